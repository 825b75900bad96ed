import { Money } from '@commerce/kit';
import DataLoader from 'dataloader';
import { requestScoped } from '../common/request-scoped.js';
import type { CatalogContext } from '../context.js';
import { queryLowestPrices } from './lowest-price.query.js';

/** `Product.lowestPrice` for a whole page at once: one MGET, and one query for the products Redis lacks. */
export function lowestPriceLoader(context: CatalogContext): DataLoader<string, Money | null> {
  return requestScoped(
    context,
    'lowestPrice',
    () =>
      new DataLoader<string, Money | null>(async (productIds) => {
        const prices = await context.services.lowestPrices.getMany(productIds, (missing, now) => queryLowestPrices(context.em, missing, now));
        return prices.map((price) => (price ? Money.of(price.amount, price.currency) : null));
      }),
  );
}
