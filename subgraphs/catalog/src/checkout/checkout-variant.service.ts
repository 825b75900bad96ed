import { createHash } from 'node:crypto';
import { badUserInput, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import { CheckoutVariant } from './checkout-variant.type.js';

const MAX_IDS = 200;

/**
 * The checkout view of many variants in one query (variants joined to their products). Unknown ids are
 * left out, so the caller tells "deleted since" from the answer itself; order follows the request.
 */
export async function checkoutVariants(em: EntityManager, ids: string[]): Promise<CheckoutVariant[]> {
  if (ids.length > MAX_IDS) throw badUserInput(`Ask for at most ${MAX_IDS} variants.`, 'ids');
  const unique = [...new Set(ids.map((id) => requireUuid(id, 'ids')))];
  if (unique.length === 0) return [];
  const variants = await em.find(ProductVariant, { id: { $in: unique } }, { populate: ['product'] });
  const byId = new Map(variants.map((variant) => [variant.id, variant]));
  return unique.flatMap((id) => {
    const variant = byId.get(id);
    if (!variant) return [];
    const product = variant.product;
    const options = variant.options.map((option) => `${option.name}=${option.value}`).join('\n');
    const values = variant.options.map((option) => option.value).join(', ');
    return [
      Object.assign(new CheckoutVariant(), {
        variantId: variant.id,
        productId: product.id,
        storeId: product.store.id,
        categoryId: product.category?.id ?? null,
        sku: variant.sku,
        price: variant.priceAmount,
        currency: variant.currency,
        inStock: variant.inStock,
        name: values ? `${product.name} (${values})` : product.name,
        optionsDigest: createHash('sha256').update(options).digest('base64url').slice(0, 16),
      }),
    ];
  });
}
