import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, type CatalogUnderTest, createProductAs, createStoreAs, newMemberId, startCatalog } from './catalog-harness.js';

let catalog: CatalogUnderTest;
let api: ReturnType<typeof caller>;
let owner: string;
let storeId: string;
beforeAll(async () => {
  catalog = await startCatalog('catalog_search', { SEED_DEMO: true });
  api = caller(catalog.subgraph.url);
  owner = newMemberId();
  storeId = await createStoreAs(catalog.subgraph.url, owner, 'Search store');
});
afterAll(() => catalog?.close());

const SEARCH = `query ($filter: ProductFilter, $first: Int, $after: String) { products(filter: $filter, first: $first, after: $after) {
  edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
const product = (fields: Record<string, unknown>) => createProductAs(catalog.subgraph.url, owner, storeId, fields);

async function searchAll(search: string, first: number, betweenPages?: (page: number) => Promise<void>) {
  const names: string[] = [];
  let after: string | null = null;
  for (let page = 1; ; page++) {
    const { products }: any = await api.data(SEARCH, { filter: { search, storeId }, first, after });
    names.push(...products.edges.map((edge: any) => edge.node.name));
    expect(products.pageInfo.hasPreviousPage).toBe(after !== null);
    await betweenPages?.(page);
    if (!products.pageInfo.hasNextPage) return names;
    after = products.pageInfo.endCursor;
  }
}

describe('product search', () => {
  it('ranks name matches over brand over description matches, and matches word prefixes', async () => {
    await product({ name: 'Plain Tote', description: 'A tote with a woolen lining' });
    await product({ name: 'Sun Hat', brand: 'Woolen Mills' });
    await product({ name: 'Woolen Socks' });
    expect(await searchAll('woolen', 10)).toEqual(['Woolen Socks', 'Sun Hat', 'Plain Tote']);
    expect(await searchAll('WOOL', 10)).toEqual(['Woolen Socks', 'Sun Hat', 'Plain Tote']);
    expect(await searchAll('woolen socks', 10)).toEqual(['Woolen Socks']);
    expect(await searchAll('woolen sox', 10)).toEqual([]);
    // Operators typed by a client are just text: no tsquery syntax error, no match-everything.
    expect(await searchAll("woolen & !socks | ':*", 10)).toEqual(['Woolen Socks']);
    expect(await searchAll('!!', 10)).toEqual([]);
  });

  it('pages by (rank, id) without skipping or repeating, even while matching products are added', async () => {
    // Equal texts rank equally: the id breaks the tie, so pages must cut through a run of ties.
    for (let index = 0; index < 5; index++) await product({ name: `Cotton tie ${index}`, description: 'cotton' });
    for (let index = 0; index < 3; index++) await product({ name: `Shirt ${index}`, description: 'made of cotton' });
    const before = await searchAll('cotton', 100);
    expect(before).toHaveLength(8);
    expect(before.slice(0, 5).every((name) => name.startsWith('Cotton tie'))).toBe(true);

    const seen = await searchAll('cotton', 2, async (page) => {
      if (page !== 2) return;
      // One ranks above the cursor (behind us: not seen), one ranks below (ahead: seen once).
      await product({ name: 'Cotton Cotton Cotton', brand: 'Cotton' });
      await product({ name: 'Zz late arrival', description: 'cotton' });
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...before, 'Zz late arrival'].sort());
  });

  it('refuses a cursor of another kind of listing', async () => {
    const plain = await api.data(SEARCH, { filter: { storeId }, first: 1 });
    const ranked = await api.data(SEARCH, { filter: { storeId, search: 'cotton' }, first: 1 });
    const mixed = await api.error(SEARCH, { filter: { storeId, search: 'cotton' }, first: 1, after: plain.products.pageInfo.endCursor });
    expect(mixed.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await api.errorCode(SEARCH, { filter: { storeId }, first: 1, after: ranked.products.pageInfo.endCursor })).toBe('BAD_USER_INPUT');
    const forged = Buffer.from("rank:1 or 1=1:00000000-0000-7000-8000-000000000000").toString('base64url');
    expect(await api.errorCode(SEARCH, { filter: { search: 'cotton' }, after: forged })).toBe('BAD_USER_INPUT');
  });

  it('can use the GIN index on the generated search vector', async () => {
    const em = catalog.subgraph.app.orm.em.fork();
    const plan = await em.transactional(async (tx) => {
      await tx.execute('set local enable_seqscan = off');
      return tx.execute(`explain select id from catalog.product where search_vector @@ to_tsquery('simple', 'cotton:*')`);
    });
    expect(JSON.stringify(plan)).toContain('product_search_vector_index');
  });
});
