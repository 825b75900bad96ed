import { demoId } from '@commerce/kit';
import { asMember, asService, graphqlRequest } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CatalogUnderTest, startCatalog } from './catalog-harness.js';

let catalog: CatalogUnderTest;
beforeAll(async () => {
  catalog = await startCatalog('checkout_variants', { SEED_DEMO: true });
});
afterAll(() => catalog?.close());

const QUERY = `query ($ids: [ID!]!) { checkoutVariants(ids: $ids) {
  variantId productId storeId categoryId sku price currency inStock name optionsDigest } }`;

describe('checkoutVariants (internal, orders)', () => {
  it('answers many variants with one variant query, in request order, leaving unknown ids out', async () => {
    const connection = catalog.subgraph.app.orm.em.getConnection();
    const spy = vi.spyOn(connection, 'execute');
    const ids = [demoId('variant:enamel-mug-white'), randomUUID(), demoId('variant:linen-shirt-m')];
    const response = await graphqlRequest(catalog.subgraph.url, QUERY, { ids }, asService('orders'));
    const sql = spy.mock.calls.map(([query]) => String(query));
    spy.mockRestore();
    expect(response.errors).toBeUndefined();
    const [mug, shirt] = response.data.checkoutVariants;
    expect(response.data.checkoutVariants).toHaveLength(2);
    expect(mug).toMatchObject({
      variantId: ids[0],
      productId: demoId('product:enamel-mug'),
      storeId: demoId('store:joon-gear'),
      categoryId: demoId('category:home'),
      sku: 'JG-EM-WHT',
      price: 12_000,
      currency: 'KRW',
      name: 'Enamel Mug (white)',
    });
    expect(shirt).toMatchObject({ variantId: ids[2], storeId: demoId('store:mina-atelier'), price: 59_000 });
    expect(mug.optionsDigest).not.toBe(shirt.optionsDigest);
    expect(sql.filter((query) => /from "catalog"\."product_variant"/.test(query))).toHaveLength(1);
  });

  it('is for services only', async () => {
    const ids = [demoId('variant:enamel-mug-white')];
    expect((await graphqlRequest(catalog.subgraph.url, QUERY, { ids })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await graphqlRequest(catalog.subgraph.url, QUERY, { ids }, asMember(randomUUID()))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const malformed = await graphqlRequest(catalog.subgraph.url, QUERY, { ids: ['nope'] }, asService('orders'));
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is hidden from the supergraph', async () => {
    const response = await graphqlRequest(catalog.subgraph.url, '{ _service { sdl } }');
    expect(response.data._service.sdl).toMatch(/checkoutVariants\([^)]*\): \[CheckoutVariant!\]! @inaccessible/);
  });
});
