import { buildSubgraphDefinitionSchema, demoId, schemaDiffSql } from '@commerce/kit';
import { graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { catalogSubgraph, createApp } from '../src/app.js';
import { Product } from '../src/product/product.entity.js';
import { FIXTURE_MIN_PRICE, insertFixtureCatalog, insertProductWithId } from './catalog-fixtures.js';

let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'catalog', { SEED_DEMO: true });
});
afterAll(() => subgraph?.close());

const UNKNOWN_ID = '00000000-0000-7000-8000-000000000000';
const minaAtelier = demoId('store:mina-atelier');
const joonGear = demoId('store:joon-gear');

const query = <Data = any>(text: string, variables: Record<string, unknown> = {}) =>
  graphqlData<Data>(subgraph.url, text, variables);

async function errorCode(text: string, variables: Record<string, unknown> = {}) {
  const response = await graphqlRequest(subgraph.url, text, variables);
  expect(response.errors, JSON.stringify(response)).toHaveLength(1);
  return response.errors![0]!.extensions?.code;
}

async function productNames(filter: Record<string, unknown>): Promise<string[]> {
  const data = await query(`query ($filter: ProductFilter) { products(filter: $filter, first: 100) { edges { node { name } } } }`, {
    filter,
  });
  return data.products.edges.map((edge: any) => edge.node.name).sort();
}

async function allProductIds(): Promise<string[]> {
  const rows = await subgraph.app.orm.em.fork().find(Product, {}, { fields: ['id'] });
  return rows.map((row) => row.id);
}

describe('catalog queries', () => {
  it('returns a product by id with its store, category and variants in display order', async () => {
    const data = await query(
      `query ($id: ID!) { product(id: $id) {
        id name brand description imageUrls
        store { id name owner { id } }
        category { id name slug }
        variants { id sku options { name value } price { amount currency } product { id } }
      } }`,
      { id: demoId('product:linen-shirt') },
    );
    expect(data.product).toMatchObject({
      id: demoId('product:linen-shirt'),
      name: 'Linen Shirt',
      brand: 'Mina Atelier',
      imageUrls: [],
      store: { id: minaAtelier, name: 'Mina Atelier', owner: { id: demoId('member:mina') } },
      category: { id: demoId('category:apparel'), name: 'Apparel', slug: 'apparel' },
    });
    expect(data.product.variants).toEqual(
      ['S', 'M', 'L'].map((size) => ({
        id: demoId(`variant:linen-shirt-${size.toLowerCase()}`),
        sku: `MA-LS-${size}`,
        options: [{ name: 'size', value: size }],
        price: { amount: 59_000, currency: 'KRW' },
        product: { id: demoId('product:linen-shirt') },
      })),
    );
  });

  it('returns a variant by id and every category', async () => {
    const data = await query(
      `query ($id: ID!) { productVariant(id: $id) { sku price { amount currency } product { name } } categories { slug } }`,
      { id: demoId('variant:camp-chair-sand') },
    );
    expect(data.productVariant).toEqual({ sku: 'JG-CC-SND', price: { amount: 45_000, currency: 'KRW' }, product: { name: 'Folding Camp Chair' } });
    expect(data.categories).toEqual([{ slug: 'apparel' }, { slug: 'home' }, { slug: 'outdoor' }]);
  });

  it('filters products by store, category, search text and price range', async () => {
    expect(await productNames({ storeId: joonGear })).toEqual(['Enamel Mug', 'Folding Camp Chair']);
    expect(await productNames({ categoryId: demoId('category:apparel') })).toEqual(['Linen Shirt', 'Linen Trousers']);
    expect(await productNames({ search: 'LINEN' })).toEqual(['Linen Shirt', 'Linen Trousers']);
    expect(await productNames({ search: 'campfire' })).toEqual(['Enamel Mug']); // description
    expect(await productNames({ search: 'joon gear' })).toEqual(['Enamel Mug', 'Folding Camp Chair']); // brand
    expect(await productNames({ search: '%' })).toEqual([]); // % matches itself, not anything
    expect(await productNames({ search: '_' })).toEqual([]);
    expect(await productNames({ minPrice: 40_000, maxPrice: 50_000 })).toEqual(['Folding Camp Chair']);
    expect(await productNames({ maxPrice: 12_000 })).toEqual(['Enamel Mug']);
    expect(await productNames({ minPrice: 59_000, maxPrice: FIXTURE_MIN_PRICE - 1 })).toEqual(['Linen Shirt', 'Linen Trousers']);
    expect(await productNames({ storeId: minaAtelier, minPrice: 60_000 })).toEqual(['Linen Trousers']);
    expect(await productNames({ categoryId: demoId('category:home'), search: 'linen' })).toEqual([]);
  });

  it('finds stores by search text and pages each store’s products in one listing', async () => {
    const found = await query(`{ stores(search: "GEAR") { edges { node { id name owner { id } } } } }`);
    expect(found.stores.edges).toEqual([{ node: { id: joonGear, name: 'Joon Gear', owner: { id: demoId('member:joon') } } }]);

    const listing = await query(`{ stores(first: 100) { edges { node { id
      products(first: 1) { edges { node { store { id } } } pageInfo { hasNextPage hasPreviousPage endCursor } }
    } } } }`);
    const demoStores = listing.stores.edges.map((edge: any) => edge.node).filter((store: any) => [minaAtelier, joonGear].includes(store.id));
    expect(demoStores).toHaveLength(2);
    for (const store of demoStores) {
      expect(store.products.edges).toEqual([{ node: { store: { id: store.id } } }]);
      expect(store.products.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const rest = await query(`query ($id: ID!, $after: String) { store(id: $id) { products(first: 5, after: $after) {
        edges { node { store { id } } } pageInfo { hasNextPage hasPreviousPage } } } }`, { id: store.id, after: store.products.pageInfo.endCursor });
      expect(rest.store.products.edges).toEqual([{ node: { store: { id: store.id } } }]);
      expect(rest.store.products.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    }
  });

  it('pages over all products exactly once, even when products are inserted between pages', async () => {
    const fixture = await insertFixtureCatalog(subgraph.app.orm, { stores: 1, productsPerStore: 5, variantsPerProduct: 1 });
    const before = await allProductIds();
    const pageQuery = `query ($after: String) { products(first: 3, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    // Ids at both ends of the key space: one lands behind the cursor, one ahead of it.
    const behind = '00000000-0000-7000-8000-00000000abcd';
    const ahead = 'ffffffff-ffff-7fff-bfff-ffffffffffff';
    for (;;) {
      const { products }: any = await query(pageQuery, { after });
      pages += 1;
      const ids = products.edges.map((edge: any) => edge.node.id);
      seen.push(...ids);
      expect(products.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(products.pageInfo.startCursor).toBe(products.edges[0].cursor);
      expect(products.pageInfo.endCursor).toBe(products.edges.at(-1).cursor);
      if (pages === 1) {
        await insertProductWithId(subgraph.app.orm, behind, fixture.storeIds[0]!);
        await insertProductWithId(subgraph.app.orm, ahead, fixture.storeIds[0]!);
      }
      if (!products.pageInfo.hasNextPage) break;
      expect(ids).toHaveLength(3);
      after = products.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...before, ahead].sort());
    expect(pages).toBe(Math.ceil((before.length + 1) / 3));
  });

  it('resolves Store, Product and ProductVariant entities in one request, null for unknown or malformed ids', async () => {
    const representations = [
      { __typename: 'ProductVariant', id: demoId('variant:enamel-mug-white') },
      { __typename: 'Store', id: joonGear },
      { __typename: 'Product', id: UNKNOWN_ID },
      { __typename: 'Product', id: demoId('product:camp-chair') },
      { __typename: 'Store', id: 'not-a-uuid' },
      { __typename: 'ProductVariant', id: UNKNOWN_ID },
    ];
    const data = await query(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        __typename
        ... on ProductVariant { id sku price { amount } }
        ... on Store { id name }
        ... on Product { id name variants { sku } }
      } }`,
      { representations },
    );
    expect(data._entities).toEqual([
      { __typename: 'ProductVariant', id: demoId('variant:enamel-mug-white'), sku: 'JG-EM-WHT', price: { amount: 12_000 } },
      { __typename: 'Store', id: joonGear, name: 'Joon Gear' },
      null,
      { __typename: 'Product', id: demoId('product:camp-chair'), name: 'Folding Camp Chair', variants: [{ sku: 'JG-CC-OLV' }, { sku: 'JG-CC-SND' }] },
      null,
      null,
    ]);
  });
});

describe('catalog errors', () => {
  it('answers NOT_FOUND for unknown ids', async () => {
    expect(await errorCode(`query ($id: ID!) { product(id: $id) { id } }`, { id: UNKNOWN_ID })).toBe('NOT_FOUND');
    expect(await errorCode(`query ($id: ID!) { store(id: $id) { id } }`, { id: UNKNOWN_ID })).toBe('NOT_FOUND');
    expect(await errorCode(`query ($id: ID!) { productVariant(id: $id) { id } }`, { id: UNKNOWN_ID })).toBe('NOT_FOUND');
  });

  it('answers BAD_USER_INPUT for malformed ids, cursors, page sizes and price bounds', async () => {
    expect(await errorCode(`{ product(id: "42") { id } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ store(id: "x") { id } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ productVariant(id: "1; drop table product") { id } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ products(first: 1000) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ products(first: 0) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ stores(first: 1000) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ products(after: "garbage") { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ products(filter: { storeId: "x" }) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ products(filter: { minPrice: -1 }) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
    expect(await errorCode(`{ products(filter: { minPrice: 10, maxPrice: 5 }) { edges { cursor } } }`)).toBe('BAD_USER_INPUT');
  });
});

describe('catalog query cost', () => {
  /** Runs one operation and counts the SQL statements MikroORM sends for it. */
  async function countQueries(text: string, variables: Record<string, unknown>) {
    const logQuery = vi.spyOn(subgraph.app.orm.config.getLogger(), 'logQuery');
    try {
      const data = await query(text, variables);
      // Background workers (the outbox relay) share the ORM: count only reads of catalog's own tables,
      // leaving out their polling and their transactions' begin/commit.
      const statements = logQuery.mock.calls
        .map(([context]) => JSON.stringify(context))
        .filter((sql) => sql.includes('\\"catalog\\".') && !sql.includes('outbox_message'));
      return { data, statements: statements.length };
    } finally {
      logQuery.mockRestore();
    }
  }

  it('resolves 30 variants with product { store { name } } in a constant number of queries', async () => {
    const fixture = await insertFixtureCatalog(subgraph.app.orm, { stores: 3, productsPerStore: 5, variantsPerProduct: 2 });
    const entities = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on ProductVariant { sku product { name store { name } } } } }`;
    const represent = (ids: string[]) => ({ representations: ids.map((id) => ({ __typename: 'ProductVariant', id })) });

    const few = await countQueries(entities, represent(fixture.variantIds.slice(0, 2)));
    const many = await countQueries(entities, represent(fixture.variantIds));
    expect(many.data._entities).toHaveLength(30);
    expect(many.data._entities.every((entity: any) => entity.product.store.name.startsWith('Fixture store'))).toBe(true);
    // variants, then their products, then those products' stores: one batch each.
    expect(few.statements).toBe(3);
    expect(many.statements).toBe(3);
  });

  it('lists stores with products, variants and categories in one query per level', async () => {
    await insertFixtureCatalog(subgraph.app.orm, { stores: 4, productsPerStore: 3, variantsPerProduct: 2 });
    const { data, statements } = await countQueries(
      `{ stores(first: 100) { edges { node { products(first: 5) { edges { node { category { slug } variants { sku } } } } } } } }`,
      {},
    );
    expect(data.stores.edges.length).toBeGreaterThanOrEqual(6);
    // stores, their product pages, the products' variants, the products' categories.
    expect(statements).toBe(4);
  });
});

describe('catalog schema and seed', () => {
  it('keeps its committed migrations in step with its entities', async () => {
    expect(await schemaDiffSql(subgraph.app.orm)).toBe('');
  });

  it('does not seed again once the catalog has data', async () => {
    const before = (await allProductIds()).length;
    expect(await catalogSubgraph.seedDemo!(subgraph.app.orm.em.fork())).toBe(false);
    expect((await allProductIds()).length).toBe(before);
  });

  it('publishes Store, Product and ProductVariant as entities and Member as a stub', async () => {
    const { _service } = await query(`{ _service { sdl } }`);
    for (const type of ['Store', 'Product', 'ProductVariant']) {
      expect(_service.sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    }
    expect(_service.sdl).toMatch(/type Member\s+@key\(fields: "id", resolvable: false\)/);
  });

  it('keeps internal operations out of the supergraph: @inaccessible on each, and only on them', async () => {
    const schema = await buildSubgraphDefinitionSchema(catalogSubgraph);
    const inaccessible = Object.values(schema.getMutationType()!.getFields())
      .filter((field) => field.astNode?.directives?.some((directive) => directive.name.value === 'inaccessible'))
      .map((field) => field.name)
      .sort();
    expect(inaccessible).toEqual(['removeVariantSalePrice', 'setVariantAvailability', 'setVariantSalePrice']);
    const { _service } = await query(`{ _service { sdl } }`);
    expect(_service.sdl.match(/\): Boolean! @inaccessible/g)).toHaveLength(3);
  });

  it('describes every type, field and argument of its own', async () => {
    const schema = await buildSubgraphDefinitionSchema(catalogSubgraph);
    const missing: string[] = [];
    const exempt = ['String', 'Int', 'Float', 'Boolean', 'ID', 'FieldSet', 'DateTimeISO', 'Query', 'Mutation'];
    for (const type of Object.values(schema.getTypeMap())) {
      if (/^(_|link__|federation__)/.test(type.name)) continue;
      if (!type.description && !exempt.includes(type.name)) missing.push(type.name);
      if (!('getFields' in type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.name.startsWith('_')) continue;
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
