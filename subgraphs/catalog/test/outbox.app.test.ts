import { OutboxMessage, startOutboxRelay } from '@commerce/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData, metricValue, parseMetrics } from '@commerce/testkit';
import { type CatalogUnderTest, createProductAs, createStoreAs, eventually, member, newMemberId, startCatalog } from './catalog-harness.js';

let catalog: CatalogUnderTest;
beforeAll(async () => {
  catalog = await startCatalog('catalog_outbox');
});
afterAll(() => catalog?.close());

const messageAbout = (storeId: string) =>
  catalog.subgraph.app.orm.em.fork().findOneOrFail(OutboxMessage, { topic: 'store-created', payload: { storeId } } as never);

/** The outbox gauges on the app's /metrics. */
async function backlog() {
  const samples = parseMetrics(await (await fetch(catalog.subgraph.url.replace(/\/graphql$/, '/metrics'))).text());
  return {
    pending: metricValue(samples, 'outbox_messages', { state: 'pending' }),
    failing: metricValue(samples, 'outbox_messages', { state: 'failing' }),
    oldestSeconds: metricValue(samples, 'outbox_oldest_pending_seconds'),
  };
}

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
    // What an operator's alert watches: messages failing, and waiting longer and longer.
    const waiting = await backlog();
    expect(waiting.failing).toBeGreaterThanOrEqual(1);
    expect(waiting.pending).toBeGreaterThanOrEqual(waiting.failing!);
    expect(waiting.oldestSeconds).toBeGreaterThan(0);

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
    await eventually(async () => expect(await backlog()).toEqual({ pending: 0, failing: 0, oldestSeconds: 0 }), 10_000);
  });

  it('deletes delivered messages once past their retention, and never one still waiting', async () => {
    const em = catalog.subgraph.app.orm.em.fork();
    // A topic no relay handles stays pending; the others stand for delivered messages of various ages.
    const rows = {
      oldDelivered: em.create(OutboxMessage, { topic: 'retention-test', payload: {}, deliveredAt: new Date(Date.now() - 3 * 3_600_000) }),
      recentDelivered: em.create(OutboxMessage, { topic: 'retention-test', payload: {}, deliveredAt: new Date(Date.now() - 60_000) }),
      oldPending: em.create(OutboxMessage, { topic: 'retention-test', payload: {}, createdAt: new Date(Date.now() - 5 * 3_600_000) }),
    };
    await em.flush();
    const relay = startOutboxRelay({ orm: catalog.subgraph.app.orm, handlers: {}, retainDeliveredMs: 3_600_000, log: () => {} });
    try {
      await relay.prune();
      const left = await catalog.subgraph.app.orm.em.fork().find(OutboxMessage, { topic: 'retention-test' });
      expect(left.map((message) => message.id).sort()).toEqual([rows.recentDelivered.id, rows.oldPending.id].sort());
    } finally {
      await relay.stop();
      await catalog.subgraph.app.orm.em.fork().nativeDelete(OutboxMessage, { topic: 'retention-test' });
    }
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

