import { OutboxMessage } from '@commerce/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData } from '@commerce/testkit';
import { type CatalogUnderTest, createProductAs, createStoreAs, eventually, member, newMemberId, startCatalog } from './catalog-harness.js';

let catalog: CatalogUnderTest;
beforeAll(async () => {
  catalog = await startCatalog('catalog_outbox');
});
afterAll(() => catalog?.close());

const messageAbout = (storeId: string) =>
  catalog.subgraph.app.orm.em.fork().findOneOrFail(OutboxMessage, { topic: 'store-created', payload: { storeId } } as never);

describe('catalog outbox relay', () => {
  it('keeps retrying while members and inventory are down, then delivers each message', async () => {
    catalog.upstream.state.down = true;
    const owner = newMemberId();
    const storeId = await createStoreAs(catalog.subgraph.url, owner, 'Retry store');
    const product = await createProductAs(catalog.subgraph.url, owner, storeId);

    await eventually(async () => {
      const message = await messageAbout(storeId);
      expect(message.attempts).toBeGreaterThanOrEqual(2);
      expect(message.deliveredAt).toBeNull();
      expect(message.lastError).toBeTruthy();
    });
    expect(catalog.upstream.callsTo('grantSellerRole')).toEqual([]);

    catalog.upstream.state.down = false;
    await eventually(async () => {
      expect((await messageAbout(storeId)).deliveredAt).toBeInstanceOf(Date);
      expect(catalog.upstream.callsTo('grantSellerRole').map((call) => call.variables)).toEqual([{ memberId: owner }]);
      expect(catalog.upstream.callsTo('registerStore').map((call) => call.variables)).toEqual([{ storeId, ownerId: owner }]);
      expect(catalog.upstream.callsTo('registerVariants').map((call) => call.variables)).toEqual([
        { variants: [{ variantId: product.variants[0]!.id, storeId }] },
      ]);
    }, 10_000);
    expect(catalog.upstream.calls.every((call) => call.service === 'catalog')).toBe(true);
  });

  it('tells members and inventory of a deleted product and of a removed variant, so wishlists and sales drop them', async () => {
    const owner = newMemberId();
    const storeId = await createStoreAs(catalog.subgraph.url, owner, 'Deleting store');
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [1_000, 2_000]);
    const kept = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [3_000, 4_000]);
    const deleted = await graphqlData(catalog.subgraph.url, 'mutation ($id: ID!) { deleteProduct(id: $id) }', { id: product.id }, member(owner));
    expect(deleted.deleteProduct).toBe(product.id);
    const removed = kept.variants[1]!.id;
    await graphqlData(catalog.subgraph.url, 'mutation ($id: ID!) { removeProductVariant(id: $id) }', { id: removed }, member(owner));

    const retired = () => catalog.upstream.callsTo('retireVariants').map((call) => call.variables);
    await eventually(async () => {
      const message = await catalog.subgraph.app.orm.em.fork().findOneOrFail(OutboxMessage, { topic: 'product-deleted', payload: { productId: product.id } } as never);
      expect(message.deliveredAt).toBeInstanceOf(Date);
      expect(catalog.upstream.callsTo('forgetProduct').map((call) => call.variables)).toContainEqual({ productId: product.id });
      expect(retired()).toContainEqual({ variantIds: expect.arrayContaining(product.variants.map((variant) => variant.id)) });
      expect(retired()).toContainEqual({ variantIds: [removed] });
    }, 10_000);
    expect(catalog.upstream.callsTo('forgetProduct').map((call) => call.variables)).not.toContainEqual({ productId: kept.id });
    expect(retired().flatMap((call) => call.variantIds)).not.toContain(kept.variants[0]!.id);
  });
});

