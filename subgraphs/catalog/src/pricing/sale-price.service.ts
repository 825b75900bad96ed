import { badUserInput, notFound, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { priceAmount } from '../common/input-rules.js';
import type { CatalogContext } from '../context.js';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import { VariantSalePrice } from './variant-sale-price.entity.js';

export interface SalePriceInput {
  saleId: string;
  variantId: string;
  price: number;
  startsAt: Date;
  endsAt: Date;
}

/**
 * Records (or replaces) inventory's sale price for a variant. Idempotent by sale id, so inventory may resend it.
 * Both the old and the new variant's product lose their cached lowest price.
 */
export async function setVariantSalePrice({ em, services }: CatalogContext, input: SalePriceInput): Promise<boolean> {
  const saleId = requireUuid(input.saleId, 'saleId');
  const variantId = requireUuid(input.variantId, 'variantId');
  const amount = priceAmount(input.price, 'price');
  if (!(input.endsAt.getTime() > input.startsAt.getTime())) throw badUserInput('endsAt must be after startsAt.', 'endsAt');
  const affectedProducts = await em.transactional(async (tx) => {
    const variant = await tx.findOne(ProductVariant, variantId);
    if (!variant) throw notFound('ProductVariant', variantId);
    const existing = await tx.findOne(VariantSalePrice, { saleId }, { populate: ['variant'] });
    const products = [variant.product.id];
    if (existing) {
      products.push(existing.variant.product.id);
      Object.assign(existing, { variant, priceAmount: amount, startsAt: input.startsAt, endsAt: input.endsAt });
    } else {
      tx.create(VariantSalePrice, { saleId, variant, priceAmount: amount, startsAt: input.startsAt, endsAt: input.endsAt });
    }
    return products;
  });
  await services.lowestPrices.invalidate(affectedProducts);
  return true;
}

/** Withdraws a sale price; true when there was one, false when it was already gone (idempotent). */
export async function removeVariantSalePrice({ em, services }: CatalogContext, saleIdArg: string): Promise<boolean> {
  const saleId = requireUuid(saleIdArg, 'saleId');
  const productId = await em.transactional(async (tx) => {
    const existing = await tx.findOne(VariantSalePrice, { saleId }, { populate: ['variant'] });
    if (!existing) return null;
    tx.remove(existing);
    return existing.variant.product.id;
  });
  if (productId === null) return false;
  await services.lowestPrices.invalidate([productId]);
  return true;
}

/** The lowest sale price of each variant whose window contains `now`. */
export async function activeSalePrices(em: EntityManager, variantIds: readonly string[], now: Date): Promise<Map<string, number>> {
  const rows = await em.find(
    VariantSalePrice,
    { variant: { $in: [...variantIds] }, startsAt: { $lte: now }, endsAt: { $gt: now } },
    { fields: ['variant', 'priceAmount'] },
  );
  const lowest = new Map<string, number>();
  for (const row of rows) {
    const current = lowest.get(row.variant.id);
    if (current === undefined || row.priceAmount < current) lowest.set(row.variant.id, row.priceAmount);
  }
  return lowest;
}
