import { badUserInput, type Connection, notFound, requireUuid, toConnection } from '@commerce/kit';
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type PageArgs, readUuidPage } from '../common/page.args.js';
import { containsPattern } from '../common/search-pattern.js';
import type { CatalogContext, CatalogLoaders } from '../context.js';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import type { ProductFilter } from './product-filter.input.js';
import { Product } from './product.entity.js';

export async function getProduct({ loaders }: CatalogContext, id: string): Promise<Product> {
  const product = await loaders.productById.load(requireUuid(id));
  if (!product) throw notFound('Product', id);
  return product;
}

/** Products in id order, so a cursor stays valid while products are added or removed. */
export async function listProducts(em: EntityManager, filter: ProductFilter | null | undefined, pageArgs: PageArgs): Promise<Connection<Product>> {
  const { limit, after } = readUuidPage(pageArgs);
  const conditions = filterConditions(em, filter ?? {});
  if (after) conditions.push({ id: { $gt: after } });
  const rows = await em.find(Product, conditions.length > 0 ? { $and: conditions } : {}, {
    orderBy: { id: 'asc' },
    limit: limit + 1,
  });
  return toConnection(rows, limit, (product) => product.id, after !== null);
}

/** `Store.products`: batched across stores through the loader. */
export async function productsOfStore(loaders: CatalogLoaders, storeId: string, pageArgs: PageArgs): Promise<Connection<Product>> {
  const page = readUuidPage(pageArgs);
  const rows = await loaders.productsOfStore.load({ storeId, ...page });
  return toConnection(rows, page.limit, (product) => product.id, page.after !== null);
}

function filterConditions(em: EntityManager, filter: ProductFilter): FilterQuery<Product>[] {
  const conditions: FilterQuery<Product>[] = [];
  const pattern = containsPattern(filter.search);
  if (pattern) {
    conditions.push({
      $or: [{ name: { $ilike: pattern } }, { brand: { $ilike: pattern } }, { description: { $ilike: pattern } }],
    });
  }
  if (filter.categoryId != null) conditions.push({ category: requireUuid(filter.categoryId, 'categoryId') });
  if (filter.storeId != null) conditions.push({ store: requireUuid(filter.storeId, 'storeId') });
  const price = priceRange(filter);
  if (price) {
    // One matching variant is enough; a semi-join keeps a product with several matches from repeating.
    const variantsInRange = em.createQueryBuilder(ProductVariant, 'v').select('v.product').where({ priceAmount: price });
    conditions.push({ id: { $in: variantsInRange } });
  }
  return conditions;
}

function priceRange({ minPrice, maxPrice }: ProductFilter): { $gte?: number; $lte?: number } | null {
  if (minPrice != null && minPrice < 0) throw badUserInput('minPrice must not be negative.', 'minPrice');
  if (maxPrice != null && maxPrice < 0) throw badUserInput('maxPrice must not be negative.', 'maxPrice');
  if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
    throw badUserInput('minPrice must not exceed maxPrice.', 'minPrice');
  }
  if (minPrice == null && maxPrice == null) return null;
  return { ...(minPrice != null ? { $gte: minPrice } : {}), ...(maxPrice != null ? { $lte: maxPrice } : {}) };
}
