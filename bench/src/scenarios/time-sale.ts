/**
 * Scenario "time-sale": claimTimeSale through our gateway against baselines in the same run: a naive PostgreSQL
 * row-lock claim in a tiny HTTP handler, inventory's own claim engine (the Redis Lua script) in the same tiny
 * handler (the two claim designs side by side without GraphQL), and an empty HTTP handler (the machine's ceiling).
 * Burst: BENCH_TS_BUYERS (10000) claims of one unit sent at once against BENCH_TS_UNITS (1000) units: successes,
 * sold out, errors, oversell (must be 0), p50/p99, wall time. Sustained: BENCH_TS_CLIENTS (500) closed-loop clients
 * for BENCH_DURATION_S (10) against a sale too big to sell out: claims/s. Buyers are the demo customers plus
 * BENCH_TS_MEMBERS (20) signed-up members, in turn, each claim with its own idempotency key. The sustained table also
 * has our gateway with its direct path off (DIRECT_FETCH=false) and with its subgraph batching off
 * (SUBGRAPH_BATCHING=false), to show what each buys in the same run.
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createRedis } from '@commerce/kit';
import { asMember, createTestDatabase, freePort, graphqlData, type TestDatabase } from '@commerce/testkit';
import { runLoad } from '../lib/load.js';
import { machineTicks, spawnTs, stealPercent, stop, waitForLine } from '../lib/processes.js';
import { benchDir, type Cell, envNumber, percentile, printTable, sleep, sortNumbers, writeResults } from '../lib/report.js';
import { mapLimit } from '../lib/seed.js';
import { type Running, startGateway, startSubgraphs, type SubgraphsInfo } from '../lib/supergraph.js';

const buyers = envNumber('BENCH_TS_BUYERS', 10_000);
const units = envNumber('BENCH_TS_UNITS', 1_000);
const clients = envNumber('BENCH_TS_CLIENTS', 500);
const extraMembers = envNumber('BENCH_TS_MEMBERS', 20);
const durationMs = envNumber('BENCH_DURATION_S', 10) * 1000;
const BIG = 1_000_000;

/**
 * One operation text with variables, as real clients send it: the gateway then parses, validates and plans it once.
 * (Inlining the idempotency key into the text made every request a new document, re-planned each time.)
 */
const CLAIM = (saleId: string) =>
  JSON.stringify({
    query: 'mutation Claim($saleId: ID!, $key: String!) { claimTimeSale(saleId: $saleId, quantity: 1, idempotencyKey: $key) { __typename } }',
    variables: { saleId, key: '__SEQ__' },
  });

async function baseline(mode: 'empty' | 'rowlock' | 'engine', database?: TestDatabase, unitCount = units, env: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawnTs(join(benchDir, 'src/lib/baseline-server.ts'), {
    PORT: String(port),
    BENCH_MODE: mode,
    BENCH_DATABASE_URL: database?.url ?? '',
    BENCH_UNITS: String(unitCount),
    ...env,
  });
  await waitForLine(child, 'READY', mode);
  return { child, pid: child.pid!, url: `http://127.0.0.1:${port}/graphql`, origin: `http://127.0.0.1:${port}` };
}

function burst(url: string, body: string, authorizations: string[], warmup: { url: string; body: string }) {
  const warmupUrl = new URL(warmup.url);
  if (warmupUrl.origin !== new URL(url).origin) throw new Error('the warm-up must use the burst target\'s origin');
  const child = spawnTs(join(benchDir, 'src/lib/burst-worker.ts'), {
    BENCH_BURST: JSON.stringify({
      url,
      body,
      authorizations,
      count: buyers,
      connections: Math.min(buyers, 1_000),
      warmup: { path: warmupUrl.pathname, body: warmup.body, durationMs: 3_000 },
    }),
  });
  // The machine's steal is read over the burst itself, from the worker's "BURSTING" line (after its warm-up).
  let before = machineTicks();
  return new Promise<{ outcomes: Record<string, number>; latencies: number[]; wallMs: number; firstError?: string; warmupErrors: number; stealPercent: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'BURSTING') before = machineTicks();
      else if (line.startsWith('RESULT ')) resolve({ ...JSON.parse(line.slice(7)), stealPercent: stealPercent(before, machineTicks()) });
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`burst worker exited ${code}`)));
  });
}

/**
 * Redis's own time in Lua scripts so far (INFO commandstats: EVALSHA calls and microseconds). All of a sale's keys
 * live on one Redis shard, so a script's time per claim is what bounds one sale's claims per second however many
 * gateways and subgraphs serve them.
 */
async function scriptTime(redis: ReturnType<typeof createRedis>): Promise<{ calls: number; usec: number }> {
  const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info('commandstats'));
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
}

let subgraphs: Running<SubgraphsInfo> | undefined;
let redisStats: ReturnType<typeof createRedis> | undefined;
let gateway: Running<{ url: string }> | undefined;
const peerGateways: Running<{ url: string }>[] = [];
let database: TestDatabase | undefined;
const baselines: { child: ReturnType<typeof spawnTs> }[] = [];
try {
  console.log(`time-sale scenario: ${buyers} buyers vs ${units} units, then ${clients} clients for ${durationMs / 1000} s; booting…`);
  // A few members stand in for thousands of buyers, so inventory's per-member claim rate limit is turned off
  // (TIME_SALE_CLAIM_RATE_LIMIT=0), and so are the gateway's (startGateway); BENCH_TS_RATE_LIMIT=1 keeps both
  // defaults, except the gateway's limits on signing the bench's buyers up and in from one address.
  const limit = process.env.BENCH_TS_RATE_LIMIT === '1' ? {} : { TIME_SALE_CLAIM_RATE_LIMIT: 0 };
  const gatewayLimits: Record<string, string> = process.env.BENCH_TS_RATE_LIMIT === '1' ? { RATE_LIMITS: 'signUp:address=0,logIn:address=0' } : {};
  // BENCH_CPU_PROF=1: profile our gateway and the subgraphs (files in bench/results/profiles).
  const profile = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', '--cpu-prof-dir', join(benchDir, 'results/profiles')] : [];
  subgraphs = await startSubgraphs('bench_timesale', { stores: 1, productsPerStore: 1, variantsPerProduct: 4, initialStock: BIG + units }, limit, profile);
  gateway = await startGateway('ours', subgraphs.info, { MAX_WS_CONNECTIONS: '100', ...gatewayLimits }, profile);
  const url = gateway.info.url;
  const [burstVariant, bigVariant, engineBurstVariant, engineBigVariant] = subgraphs.info.seeded.variants;

  // Buyers: the demo customers and a few new members, logged in through the gateway.
  const emails = ['alice@demo.commerce', 'bob@demo.commerce'];
  const run = Date.now().toString(36);
  await mapLimit([...Array(extraMembers).keys()], 4, async (i) => {
    const email = `buyer-${run}-${i}@bench.local`;
    await graphqlData(url, 'mutation ($input: SignUpInput!) { signUp(input: $input) { __typename } }', {
      input: { email, password: 'demo-password-1', name: `Buyer ${i}` },
    });
    emails.push(email);
  });
  const authorizations = await mapLimit(emails, 4, async (email) => {
    const data = await graphqlData(url, 'mutation ($e: String!) { logIn(email: $e, password: "demo-password-1") { ... on Session { accessToken } } }', { e: email });
    return `Bearer ${data.logIn.accessToken}`;
  });

  const createSale = async (variant: typeof burstVariant, quantity: number) => {
    const startsAt = new Date(Date.now() + 2_000);
    const data = await graphqlData(
      subgraphs!.info.subgraphUrls.inventory!,
      `mutation ($input: CreateTimeSaleInput!) { createTimeSale(input: $input) { __typename ... on TimeSale { id } ... on ErrorResult { message } } }`,
      { input: { variantId: variant!.id, price: 5_000, quantity, startsAt: startsAt.toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), perMemberLimit: BIG } },
      asMember(variant!.ownerId, ['CUSTOMER', 'SELLER']),
    );
    if (data.createTimeSale.__typename !== 'TimeSale') throw new Error(`createTimeSale: ${JSON.stringify(data.createTimeSale)}`);
    return data.createTimeSale.id as string;
  };
  const burstSale = await createSale(burstVariant, units);
  const bigSale = await createSale(bigVariant, BIG);
  const engineBurstSale = await createSale(engineBurstVariant, units);
  const engineBigSale = await createSale(engineBigVariant, BIG);
  await sleep(2_500);
  const engineOn = (saleId: string) =>
    baseline('engine', undefined, 0, {
      BENCH_REDIS_URL: subgraphs!.info.redisUrl,
      BENCH_REDIS_PREFIX: subgraphs!.info.redisKeyPrefix,
      BENCH_SALE_ID: saleId,
      BENCH_WARMUP_SALE_ID: engineBigSale,
    });

  database = await createTestDatabase('bench_ts_naive');
  const rowlock = await baseline('rowlock', database);
  const empty = await baseline('empty');
  const engine = await engineOn(engineBurstSale);
  baselines.push(rowlock, empty, engine);

  // Burst.
  const burstRows: Cell[][] = [];
  const burstResults: Record<string, unknown> = {};
  // Each target is warmed up first with the same claims on another sale, for 3 s from the burst's own client on its
  // own 1,000 connections (a shop's servers are warm and its buyers' connections open when a sale opens; a process
  // that just started would be measured compiling its code, and a cold client opening a thousand sockets).
  const targets = [
    { name: 'ours: claimTimeSale via gateway', url, body: CLAIM(burstSale), auth: authorizations, warmup: { url, body: CLAIM(bigSale) } },
    { name: 'naive PostgreSQL row lock', url: rowlock.url, body: '{}', auth: [], warmup: { url: `${rowlock.origin}/warmup`, body: '{}' } },
    { name: 'claim engine (Lua), bare handler', url: engine.url, body: '{}', auth: [], warmup: { url: `${engine.origin}/warmup`, body: '{}' } },
    { name: 'empty HTTP handler', url: empty.url, body: '{}', auth: [], warmup: { url: empty.url, body: '{}' } },
  ];
  for (const target of targets) {
    console.log(`burst → ${target.name}`);
    const result = await burst(target.url, target.body, target.auth, target.warmup);
    const successes = result.outcomes.TimeSaleClaim ?? 0;
    let remaining: number | null = null;
    if (target.url === url) {
      remaining = (await graphqlData(url, `query ($id: ID!) { timeSale(id: $id) { remaining } }`, { id: burstSale })).timeSale.remaining;
    } else if (target.url !== empty.url) {
      const origin = target.url === rowlock.url ? rowlock.origin : engine.origin;
      remaining = (await (await fetch(`${origin}/remaining`)).json()).remaining;
    }
    const oversell = target.url === empty.url ? null : Math.max(0, successes - units) + Math.max(0, -(remaining ?? 0));
    const sorted = sortNumbers(result.latencies);
    const other = Object.entries(result.outcomes).filter(([k]) => !['TimeSaleClaim', 'SoldOut', 'error', 'RATE_LIMITED'].includes(k)).reduce((s, [, n]) => s + n, 0);
    burstResults[target.name] = { ...result, latencies: undefined, remaining, oversell };
    burstRows.push([target.name, buyers, successes, result.outcomes.SoldOut ?? 0, other, result.outcomes.RATE_LIMITED ?? 0, result.outcomes.error ?? 0, oversell, remaining, percentile(sorted, 0.5), percentile(sorted, 0.99), result.wallMs / 1000, result.stealPercent]);
    if (result.firstError) console.log(`  first error: ${result.firstError}`);
    if (result.warmupErrors) console.log(`  warm-up errors: ${result.warmupErrors}`);
  }
  printTable(
    `time-sale burst: ${buyers} concurrent buyers vs ${units} units (client: 1000 connections, warmed up)`,
    ['target', 'requests', 'successes', 'sold out', 'other typed', 'rate limited', 'errors', 'oversell', 'remaining', 'p50 ms', 'p99 ms', 'wall s', 'steal %'],
    burstRows,
  );

  // Sustained: a sale too big to sell out; the row-lock baseline gets as many units.
  await stop(rowlock.child);
  const rowlockBig = await baseline('rowlock', database, BIG * 1000);
  await stop(engine.child);
  const engineBig = await engineOn(engineBigSale);
  baselines.push(rowlockBig, engineBig);
  const sustainedRows: Cell[][] = [];
  const sustainedResults: Record<string, unknown> = {};
  // Our gateway again with one of its paths off: the direct path (every claim through Apollo Server and the plan
  // executor), or the batching of subgraph calls (every claim its own HTTP request to inventory).
  const peers: { name: string; env: Record<string, string> }[] = [
    { name: 'ours, direct path off', env: { DIRECT_FETCH: 'false' } },
    { name: 'ours, subgraph batching off', env: { SUBGRAPH_BATCHING: 'false' } },
  ];
  const sustainedTargets: { name: string; pid: number; stages: { url: string; body: string; authorizations?: string[] }[][] }[] = [
    { name: 'ours: claimTimeSale via gateway', pid: gateway.pid, stages: [[{ url, body: CLAIM(bigSale), authorizations }]] },
  ];
  for (const peer of peers) {
    const running = await startGateway('ours', subgraphs.info, { MAX_WS_CONNECTIONS: '100', ...peer.env, ...gatewayLimits });
    peerGateways.push(running);
    sustainedTargets.push({ name: peer.name, pid: running.pid, stages: [[{ url: running.info.url, body: CLAIM(bigSale), authorizations }]] });
  }
  sustainedTargets.push(
    { name: 'naive PostgreSQL row lock', pid: rowlockBig.pid, stages: [[{ url: rowlockBig.url, body: '{}' }]] },
    { name: 'claim engine (Lua), bare handler', pid: engineBig.pid, stages: [[{ url: engineBig.url, body: '{}' }]] },
    { name: 'empty HTTP handler', pid: empty.pid, stages: [[{ url: empty.url, body: '{}' }]] },
  );
  const gatewayPids = new Set([gateway.pid, ...peerGateways.map((peer) => peer.pid)]);
  redisStats = createRedis({ url: subgraphs.info.redisUrl, keyPrefix: '' });
  for (const target of sustainedTargets) {
    console.log(`sustained → ${target.name}`);
    const scriptsBefore = await scriptTime(redisStats);
    const result = await runLoad({ stages: target.stages, concurrency: clients, warmupMs: 2_000, durationMs }, [target.pid, subgraphs.pid]);
    const scriptsAfter = await scriptTime(redisStats);
    const scriptCalls = scriptsAfter.calls - scriptsBefore.calls;
    // Averaged over warm-up and measurement alike (a per-call figure); claims are nearly all of the calls.
    const claimsInRedis = gatewayPids.has(target.pid) || target.pid === engineBig.pid;
    const redisUsPerScript = claimsInRedis && scriptCalls > 0 ? (scriptsAfter.usec - scriptsBefore.usec) / scriptCalls : null;
    const sorted = sortNumbers(result.latencies);
    const row = { rps: result.requests / result.seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), errors: result.errors, cpu: result.cpuPercent[target.pid], subgraphsCpu: result.cpuPercent[subgraphs.pid], redisUsPerScript, steal: result.stealPercent };
    sustainedResults[target.name] = { ...row, firstError: result.firstError };
    const throughGateway = gatewayPids.has(target.pid);
    sustainedRows.push([target.name, clients, row.rps, row.p50, row.p99, row.errors, row.cpu, throughGateway ? row.subgraphsCpu : null, row.redisUsPerScript, row.steal]);
    if (result.firstError) console.log(`  first error: ${result.firstError}`);
  }
  printTable(
    `time-sale sustained: ${clients} closed-loop clients, ${durationMs / 1000} s`,
    ['target', 'clients', 'claims/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU %', 'subgraphs CPU %', 'Redis µs/script', 'steal %'],
    sustainedRows,
  );
  await writeResults('time-sale', { settings: { buyers, units, clients, durationMs, members: emails.length }, burst: burstResults, sustained: sustainedResults });
} finally {
  await redisStats?.quit();
  await Promise.allSettled(baselines.map((b) => stop(b.child)));
  await database?.drop();
  await gateway?.stop();
  await Promise.allSettled(peerGateways.map((peer) => peer.stop()));
  await subgraphs?.stop();
}
