/**
 * Child process: boots the five real subgraphs (their createApp) on free loopback ports against a fresh
 * database with the demo shop, seeds extra stores/products for the scenario, and prints
 * `READY {"subgraphUrls":…,"controlUrl":…,…}`. SIGTERM closes the apps and drops the database.
 *
 * For measurement it wraps two libraries in this process only (no subgraph code changes):
 * - pg's Client.prototype.query, to count SQL statements per subgraph schema (GET <controlUrl>/stats);
 * - ws's WebSocket message events, to count graphql-ws `subscribe`/`complete` messages the subgraphs receive
 *   (upstream subscriptions opened by a gateway).
 */
import { createServer } from 'node:http';
import { createApp as createCatalog } from '@commerce/catalog';
import { createApp as createCoupons } from '@commerce/coupons';
import { createApp as createInventory } from '@commerce/inventory';
import type { SubgraphApp, SubgraphConfig } from '@commerce/kit';
import { createApp as createMembers } from '@commerce/members';
import { createApp as createOrders } from '@commerce/orders';
import { createTestEnvironment, freePort, MailCatcher } from '@commerce/testkit';
import pg from 'pg';
import { WebSocket } from 'ws';
import { sleep } from './report.js';
import { seedExtra, type SeedPlan } from './seed.js';

const factories: Record<string, (config: SubgraphConfig & Record<string, unknown>) => Promise<SubgraphApp>> = {
  members: createMembers,
  catalog: createCatalog,
  inventory: createInventory,
  orders: createOrders,
  coupons: createCoupons,
};
const SCHEMAS = Object.keys(factories);

// --- SQL statement counter ------------------------------------------------------------------------------
/** Statements of polling workers (outboxes, reservation sweeps): counted apart, never per request. */
const BACKGROUND = /outbox|reservation|mail_|pg_advisory|mikro_orm_migrations|"time_sale" where "settled_at" is null/i;
/** Transaction control: the pollers open a transaction every tick, so these are not attributed to requests. */
const TX_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;
const sql = { perSchema: {} as Record<string, number>, background: 0, tx: 0, other: 0, texts: new Map<string, number>() };
const resetSql = () => {
  sql.perSchema = Object.fromEntries(SCHEMAS.map((name) => [name, 0]));
  sql.background = 0;
  sql.tx = 0;
  sql.other = 0;
  sql.texts.clear();
};
resetSql();
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string } | undefined;
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  if (BACKGROUND.test(text)) sql.background++;
  else if (TX_CONTROL.test(text)) sql.tx++;
  else {
    const schema = /"(members|catalog|inventory|orders|coupons)"\./.exec(text)?.[1];
    if (schema) sql.perSchema[schema] = (sql.perSchema[schema] ?? 0) + 1;
    else sql.other++;
    const key = text.replace(/\s+/g, ' ').slice(0, 160);
    sql.texts.set(key, (sql.texts.get(key) ?? 0) + 1);
  }
  return originalQuery.apply(this, args);
};

// --- graphql-ws subscribe counter ------------------------------------------------------------------------
const ws = { subscribes: 0, completes: 0 };
const originalEmit = WebSocket.prototype.emit;
WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: any[]) {
  if (event === 'message') {
    const text = String(args[0]);
    if (text.includes('"type":"subscribe"')) ws.subscribes++;
    else if (text.includes('"type":"complete"')) ws.completes++;
  }
  return originalEmit.call(this, event, ...args);
} as typeof originalEmit;

// --- boot ------------------------------------------------------------------------------------------------
const seedPlan = JSON.parse(process.env.BENCH_SEED ?? '{}') as Partial<SeedPlan>;
const env = await createTestEnvironment(process.env.BENCH_LABEL ?? 'bench', { SEED_DEMO: true, DB_POOL_MAX: Number(process.env.BENCH_DB_POOL_MAX ?? 10) });
const mail = await new MailCatcher(await freePort()).start();
const ports = Object.fromEntries(await Promise.all(SCHEMAS.map(async (name) => [name, await freePort()] as const)));
const subgraphUrls = Object.fromEntries(SCHEMAS.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]));
const config = {
  ...env.config,
  MEMBERS_URL: subgraphUrls.members,
  CATALOG_URL: subgraphUrls.catalog,
  INVENTORY_URL: subgraphUrls.inventory,
  OUTBOX_POLL_MS: 200,
  RESERVATION_SWEEP_MS: 5_000,
  SMTP_URL: mail.url,
  PASSWORD_HASH_COST: 10,
  // Scenario-specific settings, e.g. TIME_SALE_CLAIM_RATE_LIMIT.
  ...(JSON.parse(process.env.BENCH_SUBGRAPH_CONFIG ?? '{}') as Record<string, unknown>),
};
const apps: Record<string, SubgraphApp> = {};
await Promise.all(
  Object.entries(factories).map(async ([name, create]) => {
    apps[name] = await create(config);
    await apps[name].listen(ports[name]!, '127.0.0.1');
  }),
);
const seeded = await seedExtra(subgraphUrls, seedPlan);
await waitUntilQuiet(60_000);

/** Waits (up to `limitMs`) for a second without request-like statements: the seed's outbox hand-offs are done. */
async function waitUntilQuiet(limitMs: number) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    resetSql();
    await sleep(1_000);
    const busy = Object.values(sql.perSchema).reduce((sum, count) => sum + count, 0) + sql.other;
    if (busy === 0 || Date.now() > deadline) break;
  }
  resetSql();
}

const control = createServer((req, res) => {
  if (req.url === '/stats/reset') {
    resetSql();
    ws.subscribes = ws.completes = 0;
  }
  const texts = [...sql.texts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ sql: { perSchema: sql.perSchema, background: sql.background, tx: sql.tx, other: sql.other, top: texts }, ws }));
});
const controlPort = await freePort();
await new Promise<void>((resolve) => control.listen(controlPort, '127.0.0.1', resolve));

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  control.close();
  const step = (name: string) => process.env.BENCH_VERBOSE && console.error(`subgraphs: ${name}`);
  // A graceful close takes a fraction of a second; should one hang, the database is dropped after 3 s and the process
  // exits anyway.
  await Promise.allSettled(
    Object.entries(apps).map(([name, app]) =>
      Promise.race([app.close().then(() => step(`${name} closed`)), sleep(3_000).then(() => step(`${name} still closing after 3 s`))]),
    ),
  );
  await mail.stop();
  // Workers still polling would only complain that the database is gone.
  process.stderr.write = () => true;
  await env.dispose();
  step('database dropped');
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

console.log(
  `READY ${JSON.stringify({
    subgraphUrls,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    redisUrl: env.config.REDIS_URL,
    redisKeyPrefix: env.config.REDIS_KEY_PREFIX,
    database: env.database.name,
    seeded,
  })}`,
);
