import { randomBytes } from 'node:crypto';
import type { Orm } from '@commerce/kit';
import { Product } from '../src/product/product.entity.js';
import { ProductVariant } from '../src/product-variant/product-variant.entity.js';
import { Store } from '../src/store/store.entity.js';

/**
 * Fixture prices start here, above every demo price, so that price-range tests over the demo shop
 * still hold whichever fixtures earlier tests of the file inserted.
 */
export const FIXTURE_MIN_PRICE = 1_000_000;

export interface FixtureCatalog {
  storeIds: string[];
  productIds: string[];
  variantIds: string[];
}

/** Inserts stores, products and variants straight through the ORM (catalog has no mutations yet). */
export async function insertFixtureCatalog(
  orm: Orm,
  { stores, productsPerStore, variantsPerProduct }: { stores: number; productsPerStore: number; variantsPerProduct: number },
): Promise<FixtureCatalog> {
  const em = orm.em.fork();
  const tag = randomBytes(3).toString('hex');
  const fixture: FixtureCatalog = { storeIds: [], productIds: [], variantIds: [] };
  for (let s = 0; s < stores; s++) {
    const store = em.create(Store, { name: `Fixture store ${tag}-${s}`, ownerId: '0190a000-0000-7000-8000-000000000001' });
    fixture.storeIds.push(store.id);
    for (let p = 0; p < productsPerStore; p++) {
      const product = em.create(Product, { store, name: `Fixture product ${tag}-${s}-${p}` });
      fixture.productIds.push(product.id);
      for (let v = 0; v < variantsPerProduct; v++) {
        const variant = em.create(ProductVariant, {
          product,
          sku: `FX-${tag}-${s}-${p}-${v}`,
          options: [{ name: 'n', value: String(v) }],
          priceAmount: FIXTURE_MIN_PRICE + v,
          currency: 'KRW',
          position: v,
        });
        fixture.variantIds.push(variant.id);
      }
    }
  }
  await em.flush();
  return fixture;
}

/** Inserts one product with a chosen id, to place it before or after a cursor. */
export async function insertProductWithId(orm: Orm, id: string, storeId: string): Promise<void> {
  const em = orm.em.fork();
  em.create(Product, { id, store: em.getReference(Store, storeId), name: `Fixture product ${id}` });
  await em.flush();
}
