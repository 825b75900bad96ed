import { badUserInput, type Connection, notFound, type PageArgs, readPageArgs, requireUuid, toConnection } from '@commerce/kit';
import { type FilterQuery, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readUuidPage } from '../common/page.args.js';
import { tableOf } from '../common/sql.js';
import type { CatalogContext, CatalogLoaders } from '../context.js';
import { VariantSalePrice } from '../pricing/variant-sale-price.entity.js';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import type { ProductFilter } from './product-filter.input.js';
import { Product } from './product.entity.js';
import { decodeSearchCursor, encodeSearchCursor, type SearchCursor } from './search-cursor.js';
import { prefixTsQuery } from './search-query.js';

export async function getProduct({ loaders }: CatalogContext, id: string): Promise<Product> {
  const product = await loaders.productById.load(requireUuid(id));
  if (!product) throw notFound('Product', id);
  return product;
}

/**
 * Products matching `filter`. Without a search text they come in id order (UUIDv7, so a cursor stays
 * valid while products are added or removed); with one, by relevance (ts_rank), ties by id.
 */
export async function listProducts(em: EntityManager, filter: ProductFilter | null | undefined, pageArgs: PageArgs): Promise<Connection<Product>> {
  const tsQuery = prefixTsQuery(filter?.search);
  if (tsQuery !== null) return searchProducts(em, filter ?? {}, tsQuery, pageArgs);
  const { limit, after } = readUuidPage(pageArgs);
  const conditions = filterConditions(em, filter ?? {});
  if (after) conditions.push({ id: { $gt: after } });
  const rows = await em.find(Product, conditions.length > 0 ? { $and: conditions } : {}, {
    orderBy: { id: 'asc' },
    limit: limit + 1,
  });
  return toConnection(rows, limit, (product) => product.id, after !== null);
}

/**
 * A search page: ranked ids first (the GIN index finds the matches, ts_rank orders them), then the
 * products themselves. ts_rank reads only the row's own vector, never corpus statistics, so a product
 * added or removed elsewhere does not move the others: continuing after (rank, id) neither skips nor
 * repeats a row that was there before.
 */
async function searchProducts(em: EntityManager, filter: ProductFilter, tsQuery: string, pageArgs: PageArgs): Promise<Connection<Product>> {
  const { limit } = readPageArgs({ first: pageArgs.first } satisfies PageArgs);
  const after = pageArgs.after ? decodeSearchCursor(pageArgs.after) : null;
  if (tsQuery === '') return toConnection([], limit, () => '', after !== null);
  const rank = `ts_rank(p.search_vector, to_tsquery('simple', ?))`;
  const conditions = filterConditions(em, filter);
  const qb = em
    .createQueryBuilder(Product, 'p')
    .select(['p.id', raw(`${rank} as search_rank`, [tsQuery])])
    .where((conditions.length > 0 ? { $and: conditions } : {}) as never)
    .andWhere(raw(`p.search_vector @@ to_tsquery('simple', ?)`, [tsQuery]));
  if (after) {
    qb.andWhere(raw(`(${rank} < ?::real or (${rank} = ?::real and p.id > ?))`, [tsQuery, after.rank, tsQuery, after.rank, after.id]));
  }
  const ranked: { id: string; search_rank: number }[] = await qb
    .orderBy([{ [raw('search_rank')]: 'desc' }, { id: 'asc' }])
    .limit(limit + 1)
    .execute('all', false);
  const products = await em.find(Product, { id: { $in: ranked.map((row) => row.id) } });
  const byId = new Map(products.map((product) => [product.id, product]));
  const rows = ranked.flatMap((row) => {
    const product = byId.get(row.id);
    return product ? [{ product, cursor: { rank: Number(row.search_rank), id: row.id } satisfies SearchCursor }] : [];
  });
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({ node: row.product, cursor: encodeSearchCursor(row.cursor) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: ranked.length > limit,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** `Store.products`: batched across stores through the loader. */
export async function productsOfStore(loaders: CatalogLoaders, storeId: string, pageArgs: PageArgs): Promise<Connection<Product>> {
  const page = readUuidPage(pageArgs);
  const rows = await loaders.productsOfStore.load({ storeId, ...page });
  return toConnection(rows, page.limit, (product) => product.id, page.after !== null);
}

function filterConditions(em: EntityManager, filter: ProductFilter): FilterQuery<Product>[] {
  const conditions: FilterQuery<Product>[] = [];
  if (filter.categoryId != null) conditions.push({ category: requireUuid(filter.categoryId, 'categoryId') });
  if (filter.storeId != null) conditions.push({ store: requireUuid(filter.storeId, 'storeId') });
  const price = priceRange(filter);
  if (price) conditions.push({ id: { $in: productsPricedWithin(em, price) } });
  if (filter.inStock != null) {
    // A product is in stock when any of its variants is; a semi-join keeps it from repeating.
    const stocked = em.createQueryBuilder(ProductVariant, 'v').select('v.product').where({ inStock: true });
    conditions.push({ id: filter.inStock ? { $in: stocked } : { $nin: stocked } });
  }
  return conditions;
}

/**
 * Products with a variant whose price now (a running sale's price when lower) lies within the range,
 * the same price `lowestPrice` shows, so a product found under "at most 40,000" does not show 45,000.
 */
function productsPricedWithin(em: EntityManager, { min, max }: { min: number | null; max: number | null }) {
  const now = new Date();
  const current = `least(v.price_amount, coalesce((select min(s.price_amount) from ${tableOf(em, VariantSalePrice)} s
    where s.variant_id = v.id and s.starts_at <= ? and s.ends_at > ?), v.price_amount))`;
  return em
    .createQueryBuilder(ProductVariant, 'v')
    .select('v.product')
    .where(raw(`${current} between ? and ?`, [now, now, min ?? 0, max ?? 2_147_483_647]));
}

function priceRange({ minPrice, maxPrice }: ProductFilter): { min: number | null; max: number | null } | null {
  if (minPrice != null && minPrice < 0) throw badUserInput('minPrice must not be negative.', 'minPrice');
  if (maxPrice != null && maxPrice < 0) throw badUserInput('maxPrice must not be negative.', 'maxPrice');
  if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
    throw badUserInput('minPrice must not exceed maxPrice.', 'minPrice');
  }
  if (minPrice == null && maxPrice == null) return null;
  return { min: minPrice ?? null, max: maxPrice ?? null };
}
