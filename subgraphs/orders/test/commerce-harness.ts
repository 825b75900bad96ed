import { createApp as createCatalog } from '@commerce/catalog';
import { createApp as createCoupons } from '@commerce/coupons';
import { createApp as createInventory } from '@commerce/inventory';
import type { SubgraphApp, SubgraphConfig } from '@commerce/kit';
import { createApp as createMembers } from '@commerce/members';
import { asMember, asService, createTestEnvironment, freePort, graphqlData, graphqlRequest, MailCatcher, type TestEnvironment } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { createApp as createOrders } from '../src/app.js';
import type { OrdersSettings } from '../src/config.js';
import type { OrdersServices } from '../src/services.js';
import { ContractStandIn } from './stand-in.js';

/**
 * Real members, catalog and inventory (one test database, a schema each, demo data loaded) on
 * pre-allocated ports, the contract stand-in for coupons and time-sale claims, and orders in front.
 */
export class Commerce {
  env!: TestEnvironment;
  mail!: MailCatcher;
  upstream: Record<'members' | 'catalog' | 'inventory' | 'coupons', SubgraphApp> = {} as never;
  /** Real coupons and inventory time-sale operations instead of the stand-in. */
  real = false;
  urls: Record<string, string> = {};
  standIn!: ContractStandIn;
  orders!: SubgraphApp<OrdersServices>;
  ordersUrl = '';
  ordersOverrides: Partial<OrdersSettings> = {};

  static async start(label: string, ordersOverrides: Partial<OrdersSettings> = {}, { real = false } = {}): Promise<Commerce> {
    const commerce = new Commerce();
    commerce.real = real;
    commerce.ordersOverrides = ordersOverrides;
    commerce.env = await createTestEnvironment(label, { SEED_DEMO: true });
    commerce.mail = await new MailCatcher(await freePort()).start();
    const names = real ? (['members', 'catalog', 'inventory', 'coupons'] as const) : (['members', 'catalog', 'inventory'] as const);
    const ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
    for (const name of names) commerce.urls[name] = `http://127.0.0.1:${ports[name]}/graphql`;
    const config = {
      ...commerce.env.config,
      MEMBERS_URL: commerce.urls.members!,
      CATALOG_URL: commerce.urls.catalog!,
      INVENTORY_URL: commerce.urls.inventory!,
      OUTBOX_POLL_MS: 100,
      SMTP_URL: commerce.mail.url,
      PASSWORD_HASH_COST: 10,
    };
    const factories = { members: createMembers, catalog: createCatalog, inventory: createInventory, coupons: createCoupons } as Record<string, (c: SubgraphConfig & Record<string, unknown>) => Promise<SubgraphApp>>;
    // One at a time: they migrate and seed the same database.
    for (const name of names) {
      commerce.upstream[name] = await factories[name]!(config);
      await commerce.upstream[name].listen(ports[name]!);
    }
    commerce.standIn = await new ContractStandIn(commerce.urls.inventory!).start();
    await commerce.startOrders();
    return commerce;
  }

  ordersConfig(overrides: Partial<OrdersSettings> = {}) {
    return {
      ...this.env.config,
      MEMBERS_URL: this.urls.members!,
      CATALOG_URL: this.urls.catalog!,
      INVENTORY_URL: this.real ? this.urls.inventory! : this.standIn.url,
      COUPONS_URL: this.real ? this.urls.coupons! : this.standIn.url,
      SAGA_LEASE_MS: 1_000,
      SAGA_RECOVERY_INTERVAL_MS: 60_000,
      SETTLEMENT_ENABLED: false,
      OUTBOX_POLL_MS: 100,
      ...this.ordersOverrides,
      ...overrides,
    };
  }

  async startOrders(overrides: Partial<OrdersSettings> = {}) {
    this.orders = (await createOrders(this.ordersConfig(overrides))) as SubgraphApp<OrdersServices>;
    this.ordersUrl = await this.orders.listen(0);
  }

  async close() {
    await this.orders?.close();
    await this.standIn?.close();
    for (const name of ['coupons', 'inventory', 'catalog', 'members'] as const) await this.upstream[name]?.close();
    await this.mail?.stop();
    await this.env?.dispose();
  }

  /** A new member with `points` points. */
  async newMember(points = 0): Promise<string> {
    const email = `m-${randomUUID().slice(0, 8)}@test.commerce`;
    const data = await graphqlData(
      this.urls.members!,
      `mutation ($input: SignUpInput!) { signUp(input: $input) { __typename ... on Member { id } } }`,
      { input: { email, password: 'a-long-enough-password-1', name: 'Test Member' } },
    );
    const memberId = data.signUp.id as string;
    if (points > 0) {
      await graphqlData(this.urls.members!, 'mutation ($a: Int!, $k: String!) { chargePoints(amount: $a, idempotencyKey: $k) { id } }', { a: points, k: randomUUID() }, asMember(memberId));
    }
    return memberId;
  }

  async points(memberId: string): Promise<number> {
    const data = await graphqlData(this.urls.members!, '{ me { pointBalance { amount } } }', {}, asMember(memberId));
    return data.me.pointBalance.amount;
  }

  async stock(variantId: string): Promise<{ onHand: number; reserved: number; available: number }> {
    const data = await graphqlData(
      this.urls.inventory!,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { stock { onHand reserved available } } } }',
      { r: [{ __typename: 'ProductVariant', id: variantId }] },
      asService('orders'),
    );
    return data._entities[0].stock;
  }

  /** Sets a variant's available units (admin stock adjustment). */
  async setAvailable(variantId: string, available: number) {
    const current = await this.stock(variantId);
    const delta = available - current.available;
    if (delta === 0) return;
    const response = await graphqlRequest(
      this.urls.inventory!,
      'mutation ($v: ID!, $d: Int!) { adjustStock(variantId: $v, delta: $d, reason: "test") { __typename } }',
      { v: variantId, d: delta },
      asMember(randomUUID(), ['ADMIN']),
    );
    if (response.errors) throw new Error(JSON.stringify(response.errors));
  }

  /** Inventory's stock reservation for an order key, straight from its table. */
  async stockReservation(key: string): Promise<string | null> {
    const rows = await this.upstream.inventory.orm.em.fork().execute<{ status: string }[]>(`select "status" from "inventory"."stock_reservation" where "key" = ?`, [key]);
    return rows[0]?.status ?? null;
  }

  async pointReservationEntries(orderId: string): Promise<string[]> {
    const rows = await this.upstream.members.orm.em.fork().execute<{ kind: string }[]>(
      `select "kind" from "members"."point_entry" where "idempotency_key" = ? order by "created_at", "kind"`,
      [orderId],
    );
    return rows.map((row) => row.kind);
  }

  call(query: string, variables: Record<string, unknown>, memberId: string) {
    return graphqlRequest(this.ordersUrl, query, variables, asMember(memberId));
  }
}
