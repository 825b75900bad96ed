import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { UuidPage } from '../common/page.args.js';
import { Product } from './product.entity.js';

export interface StoreProductsKey extends UuidPage {
  storeId: string;
}

/**
 * Loads one page (limit + 1 rows, the extra one telling whether more follow) of products for many stores
 * at once: a window function numbers each store's products in id order, so a list of stores with their
 * products costs one query per distinct page shape instead of one per store.
 */
export function storeProductsLoader(em: EntityManager): DataLoader<StoreProductsKey, Product[], string> {
  return new DataLoader(
    async (keys) => {
      const byShape = new Map<string, StoreProductsKey[]>();
      for (const key of keys) {
        const shape = `${key.limit}:${key.after ?? ''}`;
        const group = byShape.get(shape);
        if (group) group.push(key);
        else byShape.set(shape, [key]);
      }
      const pages = new Map<string, Product[]>();
      for (const group of byShape.values()) {
        const { limit, after } = group[0]!;
        const rows = await loadPages(em, [...new Set(group.map((key) => key.storeId))], limit + 1, after);
        for (const key of group) pages.set(cacheKey(key), rows.filter((row) => row.store.id === key.storeId));
      }
      return keys.map((key) => pages.get(cacheKey(key)) ?? []);
    },
    { cacheKeyFn: cacheKey },
  );
}

function cacheKey({ storeId, limit, after }: StoreProductsKey): string {
  return `${storeId}:${limit}:${after ?? ''}`;
}

async function loadPages(em: EntityManager, storeIds: string[], perStore: number, after: string | null): Promise<Product[]> {
  const ranked = em
    .createQueryBuilder(Product, 'p')
    .select(['p.*', raw('row_number() over (partition by p.store_id order by p.id) as page_row')])
    .where({ store: { $in: storeIds }, ...(after ? { id: { $gt: after } } : {}) });
  return em
    .createQueryBuilder(ranked, 'ranked')
    .select('*')
    .where(raw('page_row <= ?', [perStore]))
    .orderBy({ id: 'asc' })
    .getResultList();
}
