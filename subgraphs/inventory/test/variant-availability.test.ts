import { randomUUID } from 'node:crypto';
import { OutboxMessage, verifyIdentity } from '@commerce/kit';
import { graphqlData, TEST_GATEWAY_SECRET } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VARIANT_AVAILABILITY_TOPIC } from '../src/availability/variant-availability.outbox.js';
import { freePort, startCatalogStub } from './support/catalog-stub.js';
import { adjust, COMMIT, eventually, openShop, ORDERS, RELEASE, RESERVE, type RunningInventory, startInventory } from './support/inventory-harness.js';

let inventory: RunningInventory;
let catalogPort: number;
let catalog: Awaited<ReturnType<typeof startCatalogStub>> | undefined;

beforeAll(async () => {
  // The catalog is down when inventory starts: nothing listens where inventory will call it.
  catalogPort = await freePort();
  inventory = await startInventory('availability', { CATALOG_URL: `http://127.0.0.1:${catalogPort}/graphql`, OUTBOX_RETRY_BASE_MS: 200 });
});
afterAll(async () => {
  await inventory?.close();
  await catalog?.close();
});

const messagesFor = (variantId: string) =>
  inventory.app.orm.em.fork().find(OutboxMessage, { topic: VARIANT_AVAILABILITY_TOPIC, payload: { variantId } }, { orderBy: { createdAt: 'asc' } });
const callsFor = (variantId: string) =>
  catalog!.calls.filter((call) => call.variables.variantId === variantId).map((call) => call.variables);

describe('variant availability for the catalog', () => {
  it('is delivered once the catalog is reachable, after failed attempts while it was down', async () => {
    const shop = await openShop(inventory.url, [0]);
    const variantId = shop.variantIds[0]!;
    await adjust(inventory.url, shop.owner, variantId, 3);
    const [pending] = await eventually(async () => {
      const messages = await messagesFor(variantId);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.attempts).toBeGreaterThanOrEqual(1);
      return messages;
    });
    expect(pending).toMatchObject({ payload: { variantId, inStock: true }, deliveredAt: null, lastError: expect.any(String) });

    catalog = await startCatalogStub(catalogPort);
    await eventually(async () => expect((await messagesFor(variantId))[0]!.deliveredAt).not.toBeNull());
    expect(callsFor(variantId)).toEqual([{ variantId, inStock: true }]);
    const [call] = catalog.calls;
    expect(call!.query).toContain('setVariantAvailability(variantId: $variantId, inStock: $inStock)');
    const caller = verifyIdentity({ get: (name) => call!.headers[name] as string | undefined }, TEST_GATEWAY_SECRET);
    expect(caller).toMatchObject({ roles: ['SERVICE'], service: 'inventory' });
  });

  it('is sent only when available crosses between 0 and more, by adjustments and reservations alike', async () => {
    expect(catalog).toBeDefined();
    const shop = await openShop(inventory.url, [2]);
    const variantId = shop.variantIds[0]!;
    await eventually(() => expect(callsFor(variantId)).toEqual([{ variantId, inStock: true }]));

    await adjust(inventory.url, shop.owner, variantId, 3); // 2 → 5: no crossing
    const key = randomUUID();
    await graphqlData(inventory.url, RESERVE, { key, lines: [{ variantId, quantity: 5 }] }, ORDERS); // 5 → 0
    await eventually(() => expect(callsFor(variantId)).toEqual([{ variantId, inStock: true }, { variantId, inStock: false }]));
    await graphqlData(inventory.url, RELEASE, { key }, ORDERS); // 0 → 5
    await eventually(() => expect(callsFor(variantId)).toHaveLength(3));
    const sold = randomUUID();
    await graphqlData(inventory.url, RESERVE, { key: sold, lines: [{ variantId, quantity: 5 }] }, ORDERS); // 5 → 0
    await graphqlData(inventory.url, COMMIT, { key: sold }, ORDERS); // stays 0: no crossing
    await eventually(() => expect(callsFor(variantId)).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(callsFor(variantId)).toEqual([
      { variantId, inStock: true },
      { variantId, inStock: false },
      { variantId, inStock: true },
      { variantId, inStock: false },
    ]);
    expect(await messagesFor(variantId)).toHaveLength(4);
  });
});
