/**
 * Scenario "time-sale": claimTimeSale through our gateway against baselines in the same run: a naive PostgreSQL
 * row-lock claim in a tiny HTTP handler, inventory's own claim engine (the Redis Lua script) in the same tiny
 * handler (the two claim designs side by side without GraphQL), and an empty HTTP handler (the machine's ceiling).
 * Burst: BENCH_TS_BUYERS (10000) claims of one unit sent at once against BENCH_TS_UNITS (1000) units: successes,
 * sold out, errors, oversell (must be 0), p50/p99, wall time. Sustained: BENCH_TS_CLIENTS (500) closed-loop clients
 * for BENCH_DURATION_S (10) against a sale too big to sell out: claims/s. Buyers are the demo customers plus
 * BENCH_TS_MEMBERS (20) signed-up members, in turn, each claim with its own idempotency key. The sustained table also
 * has our gateway with its direct path off (DIRECT_FETCH=false), with its subgraph batching off
 * (SUBGRAPH_BATCHING=false) and with its session check in Redis (SESSION_CHECK=redis), to show what each buys in the
 * same run.
 *
 * Every server of the scenario, our gateways and the three handlers alike, runs as BENCH_TS_WORKERS processes on its
 * port (node:cluster; default one per core, the gateway's WORKERS=auto): the ceiling and the baselines get the cores
 * our gateway gets.
 *
 * Everything runs in BENCH_ROUNDS (3) interleaved rounds, each with fresh sales, the targets' order rotating from
 * round to round: the host's speed drifts by tens of percent from minute to minute, so a ratio is only read from
 * windows measured close together, and the rounds show how far it moves.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { saleKeys } from '@commerce/inventory';
import { createRedis } from '@commerce/kit';
import { createTestDatabase, freePort, graphqlData, type TestDatabase } from '@commerce/testkit';
import { burst, type BurstResult } from '../lib/burst.js';
import { type MeasuredLoad, runLoad, summarize } from '../lib/load.js';
import { spawnTs, stop, waitForLine } from '../lib/processes.js';
import { benchDir, type Cell, envNumber, median, percentile, printTable, rangeText, sleep, sortNumbers, writeResults } from '../lib/report.js';
import { mapLimit } from '../lib/seed.js';
import { type Running, startGateway, startSubgraphs, type SubgraphsInfo } from '../lib/supergraph.js';
import { BIG, CLAIM, claimsWritten, createSale, logInBuyers, redisServerPid } from '../lib/time-sale-setup.js';

const buyers = envNumber('BENCH_TS_BUYERS', 10_000);
const units = envNumber('BENCH_TS_UNITS', 1_000);
const clients = envNumber('BENCH_TS_CLIENTS', 500);
const extraMembers = envNumber('BENCH_TS_MEMBERS', 20);
const durationMs = envNumber('BENCH_DURATION_S', 10) * 1000;
const rounds = envNumber('BENCH_ROUNDS', 3);
const workers = envNumber('BENCH_TS_WORKERS', cpus().length);
/** The row lock's: its table's column is an int. */
const ROW_LOCK_BIG = 1_000_000_000;

async function baseline(mode: 'empty' | 'rowlock' | 'engine', database?: TestDatabase, unitCount = units, env: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawnTs(join(benchDir, 'src/lib/baseline-server.ts'), {
    PORT: String(port),
    BENCH_MODE: mode,
    BENCH_DATABASE_URL: database?.url ?? '',
    BENCH_UNITS: String(unitCount),
    BENCH_WORKERS: String(workers),
    ...env,
  });
  await waitForLine(child, 'READY', mode);
  return { child, pid: child.pid!, url: `http://127.0.0.1:${port}/graphql`, origin: `http://127.0.0.1:${port}` };
}
type Baseline = Awaited<ReturnType<typeof baseline>>;

/**
 * Redis's own time in Lua scripts so far (INFO commandstats: EVALSHA calls and microseconds). All of a sale's keys
 * live on one Redis shard, so the script time per claim is what bounds one sale's claims per second however many
 * gateways and subgraphs serve them. (Claims made together go in one script call, so calls are not claims.)
 */
async function scriptTime(redis: ReturnType<typeof createRedis>): Promise<{ calls: number; usec: number }> {
  const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info('commandstats'));
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
}

/** The units a sale has left, as Redis holds them (`prefix` is the deployment's key prefix). */
async function remainingOf(redis: ReturnType<typeof createRedis>, prefix: string, saleId: string): Promise<number> {
  return Number(await redis.hget(`${prefix}${saleKeys(saleId)[0]}`, 'remaining'));
}

/**
 * What a gateway counted so far, from its own port's /metrics: its session checks by what answered them, its calls
 * to inventory with the HTTP requests that carried them (a batch, or a call sent alone), and the claims it answered
 * SOLD_OUT itself.
 */
async function gatewayCounts(graphqlUrl: string) {
  const text = await (await fetch(new URL('/metrics', graphqlUrl))).text();
  // The sum over every series of `name` whose labels include `label`.
  const sum = (name: string, label: string) => {
    let total = 0;
    for (const [, labels, value] of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) if (labels!.includes(label)) total += Number(value);
    return total;
  };
  const calls = sum('gateway_subgraph_fetch_duration_seconds_count', 'subgraph="inventory"');
  const batches = sum('gateway_subgraph_batch_calls_count', 'subgraph="inventory"');
  const batchedCalls = sum('gateway_subgraph_batch_calls_sum', 'subgraph="inventory"');
  return {
    memory: sum('gateway_session_checks_total', 'answered_by="memory"'),
    redis: sum('gateway_session_checks_total', 'answered_by="redis"'),
    callsPerRequest: calls / Math.max(1, batches + calls - batchedCalls),
    soldOutAnswers: sum('gateway_sold_out_answers_total', 'service='),
  };
}

/** The round's targets in turn, starting one further along each round. */
const rotated = <T>(items: T[], round: number) => items.map((_, i) => items[(i + round) % items.length]!);
const ratioText = (values: number[]) => values.map((value) => `${value.toFixed(2)}x`).join(', ');

let subgraphs: Running<SubgraphsInfo> | undefined;
let redisStats: ReturnType<typeof createRedis> | undefined;
let gateway: Running<{ url: string }> | undefined;
const peerGateways: Running<{ url: string }>[] = [];
let database: TestDatabase | undefined;
const baselines = new Set<Baseline>();
const stopBaseline = async (running: Baseline) => {
  baselines.delete(running);
  await stop(running.child);
};
try {
  console.log(`time-sale scenario: ${buyers} buyers vs ${units} units, then ${clients} clients for ${durationMs / 1000} s, ${rounds} rounds, ${workers} processes per server; booting…`);
  // A few members stand in for thousands of buyers, so inventory's per-member claim rate limit is turned off
  // (TIME_SALE_CLAIM_RATE_LIMIT=0), and so are the gateway's (startGateway); BENCH_TS_RATE_LIMIT=1 keeps both
  // defaults, except the gateway's limits on signing the bench's buyers up and in from one address.
  const limit = process.env.BENCH_TS_RATE_LIMIT === '1' ? {} : { TIME_SALE_CLAIM_RATE_LIMIT: 0 };
  const gatewayLimits: Record<string, string> = process.env.BENCH_TS_RATE_LIMIT === '1' ? { RATE_LIMITS: 'signUp:address=0,logIn:address=0' } : {};
  // BENCH_CPU_PROF=1: profile our gateway and the subgraphs (files in bench/results/profiles).
  const profile = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', '--cpu-prof-dir', join(benchDir, 'results/profiles')] : [];
  // Five variants for the big sales (one per gateway, one for the engine), then two per round for its burst sales
  // (ours and the engine's).
  const variantsPerProduct = 5 + 2 * rounds;
  subgraphs = await startSubgraphs('bench_timesale', { stores: 1, productsPerStore: 1, variantsPerProduct, initialStock: BIG + units }, limit, profile);
  gateway = await startGateway('ours', subgraphs.info, { MAX_WS_CONNECTIONS: '100', WORKERS: String(workers), ...gatewayLimits }, profile);
  const url = gateway.info.url;
  const [bigVariant, engineBigVariant, directOffVariant, batchingOffVariant, sessionCheckVariant, ...burstVariants] = subgraphs.info.seeded.variants;

  const { emails, authorizations } = await logInBuyers(url, subgraphs.info, extraMembers);
  const info = subgraphs.info;
  const bigSale = await createSale(info, bigVariant!, BIG);
  const engineBigSale = await createSale(info, engineBigVariant!, BIG);
  const peerSales = [await createSale(info, directOffVariant!, BIG), await createSale(info, batchingOffVariant!, BIG), await createSale(info, sessionCheckVariant!, BIG)];
  const burstSales = await mapLimit([...Array(rounds).keys()], 1, async (round) => ({
    ours: await createSale(info, burstVariants[2 * round]!, units),
    engine: await createSale(info, burstVariants[2 * round + 1]!, units),
  }));
  await sleep(2_500);
  const startBaseline = async (...args: Parameters<typeof baseline>) => {
    const running = await baseline(...args);
    baselines.add(running);
    return running;
  };
  const engineOn = (saleId: string) =>
    startBaseline('engine', undefined, 0, {
      BENCH_REDIS_URL: subgraphs!.info.redisUrl,
      BENCH_REDIS_PREFIX: subgraphs!.info.redisKeyPrefix,
      BENCH_SALE_ID: saleId,
      BENCH_WARMUP_SALE_ID: engineBigSale,
    });
  database = await createTestDatabase('bench_ts_naive');
  const empty = await startBaseline('empty');

  // Burst. Each target is warmed up first with the same claims on another sale, for 3 s from the burst's own client
  // on its own 1,000 connections (a shop's servers are warm and its buyers' connections open when a sale opens; a
  // process that just started would be measured compiling its code, and a cold client opening a thousand sockets).
  // Every round bursts on fresh units: a new sale through the gateway and for the engine, a refilled row lock.
  const OURS = 'ours: claimTimeSale via gateway';
  const ROW_LOCK = 'naive PostgreSQL row lock';
  const EMPTY = 'empty HTTP handler';
  const ENGINE = 'claim engine (Lua), bare handler';
  type BurstTarget = { name: string; run: (round: number) => Promise<{ result: BurstResult; remaining: number | null }> };
  // Where a burst's CPU goes, process by process (PostgreSQL's many processes are left out).
  redisStats = createRedis({ url: subgraphs.info.redisUrl, keyPrefix: '' });
  const redisPid = await redisServerPid(redisStats);
  // How long each burst waited for its warm-up's claims to be written, and how many were left when it could wait no longer.
  const settleWaits: { saleId: string; waitedMs: number; left: number }[] = [];
  const awaitWarmupWritten = async (saleId: string) => {
    const written = await claimsWritten(redisStats!, subgraphs!.info.redisKeyPrefix, saleId);
    settleWaits.push({ saleId, ...written });
    if (written.left > 0) console.log(`  the warm-up's claims were not all written after ${written.waitedMs} ms (${written.left} left): bursting anyway`);
  };
  const burstTargets: BurstTarget[] = [
    {
      name: OURS,
      run: async (round) => {
        const saleId = burstSales[round]!.ours;
        const result = await burst({
          url,
          body: CLAIM(saleId),
          authorizations,
          count: buyers,
          warmup: { url, body: CLAIM(bigSale) },
          settle: () => awaitWarmupWritten(bigSale),
          servers: { gateway: gateway!.pid, subgraphs: subgraphs!.pid, redis: redisPid },
        });
        const data = await graphqlData(url, `query ($id: ID!) { timeSale(id: $id) { remaining } }`, { id: saleId });
        return { result, remaining: data.timeSale.remaining as number };
      },
    },
    ...(['rowlock', 'engine'] as const).map((mode) => ({
      name: mode === 'rowlock' ? ROW_LOCK : ENGINE,
      run: async (round: number) => {
        const target = mode === 'rowlock' ? await startBaseline('rowlock', database) : await engineOn(burstSales[round]!.engine);
        try {
          const servers: Record<string, number> = mode === 'rowlock' ? { server: target.pid } : { server: target.pid, redis: redisPid };
          // The engine's warm-up claims on a sale of inventory's, whose consumer writes them (the row lock leaves nothing).
          const settle = mode === 'engine' ? () => awaitWarmupWritten(engineBigSale) : undefined;
          const result = await burst({ url: target.url, body: '{}', authorizations: [], count: buyers, warmup: { url: `${target.origin}/warmup`, body: '{}' }, servers, ...(settle ? { settle } : {}) });
          const remaining = (await (await fetch(`${target.origin}/remaining`)).json()).remaining as number;
          return { result, remaining };
        } finally {
          await stopBaseline(target);
        }
      },
    })),
    {
      name: EMPTY,
      run: async () => ({ result: await burst({ url: empty.url, body: '{}', authorizations: [], count: buyers, warmup: { url: empty.url, body: '{}' }, servers: { server: empty.pid } }), remaining: null }),
    },
  ];
  const bursts = new Map(burstTargets.map((target) => [target.name, [] as { result: BurstResult; remaining: number | null }[]]));
  for (let round = 0; round < rounds; round++) {
    for (const target of rotated(burstTargets, round)) {
      console.log(`round ${round + 1}/${rounds} burst → ${target.name}`);
      const outcome = await target.run(round);
      bursts.get(target.name)!.push(outcome);
      if (outcome.result.firstError) console.log(`  first error: ${outcome.result.firstError}`);
      if (outcome.result.warmupErrors) console.log(`  warm-up errors: ${outcome.result.warmupErrors}`);
    }
  }
  const burstRows: Cell[][] = [];
  const burstResults: Record<string, unknown> = {};
  for (const target of burstTargets) {
    const outcomes = bursts.get(target.name)!;
    const isEmpty = target.name === EMPTY;
    const count = (key: string) => outcomes.reduce((sum, { result }) => sum + (result.outcomes[key] ?? 0), 0);
    const successes = count('TimeSaleClaim');
    // Oversell: more successes than units in a round, or a negative count left.
    const oversell = isEmpty ? null : outcomes.reduce((sum, { result, remaining }) => sum + Math.max(0, (result.outcomes.TimeSaleClaim ?? 0) - units) + Math.max(0, -(remaining ?? 0)), 0);
    const other = outcomes.reduce((sum, { result }) => sum + Object.entries(result.outcomes).filter(([k]) => !['TimeSaleClaim', 'SoldOut', 'error', 'RATE_LIMITED'].includes(k)).reduce((s, [, n]) => s + n, 0), 0);
    const perRound = outcomes.map(({ result }) => {
      const sorted = sortNumbers(result.latencies);
      return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), wallS: result.wallMs / 1000, steal: result.stealPercent };
    });
    const p99s = perRound.map((r) => r.p99);
    burstResults[target.name] = { rounds: outcomes.map(({ result, remaining }, i) => ({ ...result, latencies: undefined, remaining, ...perRound[i] })), oversell };
    burstRows.push([
      target.name,
      buyers * outcomes.length,
      successes,
      count('SoldOut'),
      other,
      count('RATE_LIMITED'),
      count('error'),
      oversell,
      isEmpty ? null : Math.max(...outcomes.map(({ remaining }) => remaining ?? 0)),
      median(perRound.map((r) => r.p50)),
      median(p99s),
      rangeText(p99s, 0),
      median(perRound.map((r) => r.wallS)),
      rangeText(perRound.map((r) => r.steal), 1),
    ]);
  }
  printTable(
    `time-sale burst: ${buyers} concurrent buyers vs ${units} units, ${rounds} rounds (client: 1000 connections, warmed up); counts summed, times the median round`,
    ['target', 'requests', 'successes', 'sold out', 'other typed', 'rate limited', 'errors', 'oversell', 'max remaining', 'p50 ms', 'p99 ms', 'p99 range', 'wall s', 'steal %'],
    burstRows,
  );
  // A burst's wall time is the CPU its processes need over the cores there are: where it goes says what could shorten it.
  const cpuRows: Cell[][] = burstTargets.map((target) => {
    const outcomes = bursts.get(target.name)!.map(({ result }) => result);
    const seconds = (name: string) => {
      const values = outcomes.map((result) => result.cpuSeconds[name]).filter((value): value is number => value !== undefined);
      return values.length ? median(values) : null;
    };
    const processes = ['client', 'gateway', 'server', 'subgraphs', 'redis'].map(seconds);
    const busy = processes.reduce<number>((sum, value) => sum + (value ?? 0), 0);
    return [target.name, ...processes, busy, (100 * busy) / (cpus().length * median(outcomes.map((result) => result.wallMs / 1000)))];
  });
  printTable(
    `time-sale burst CPU: seconds of CPU over the burst, median round (PostgreSQL not counted), and their share of the ${cpus().length} cores over the wall time`,
    ['target', 'client (load) s', 'gateway s', 'bare handler s', 'subgraphs s', 'Redis s', 'all s', 'of the cores %'],
    cpuRows,
  );

  const waits = settleWaits.map((write) => write.waitedMs);
  console.log(
    `\nbefore each burst of ours and of the engine, the warm-up's claims were written to PostgreSQL in ${waits.length ? `${median(waits).toFixed(0)} ms (median; ${rangeText(waits, 0)} ms)` : 'no time'}; ${settleWaits.filter((write) => write.left > 0).length} bursts started with some still unwritten\n`,
  );

  // Sustained: sales too big to sell out, one per gateway and one for the engine; the row lock a row as big.
  const rowlockBig = await startBaseline('rowlock', database, ROW_LOCK_BIG);
  const engineBig = await engineOn(engineBigSale);
  // Our gateway again with one of its paths off: the direct path (every claim through Apollo Server and the plan
  // executor), the batching of subgraph calls (every claim its own HTTP request to inventory), or the session check
  // from memory (a Redis call per claim).
  const peers: { name: string; env: Record<string, string>; saleId: string }[] = [
    { name: 'ours, direct path off', env: { DIRECT_FETCH: 'false' }, saleId: peerSales[0]! },
    { name: 'ours, subgraph batching off', env: { SUBGRAPH_BATCHING: 'false' }, saleId: peerSales[1]! },
    { name: 'ours, session check in Redis', env: { SESSION_CHECK: 'redis' }, saleId: peerSales[2]! },
  ];
  /** `saleId`: the sale whose claims a target's window makes (none for the row lock and the empty handler). */
  const sustainedTargets: { name: string; pid: number; url: string; body: string; authorizations?: string[]; saleId?: string }[] = [
    { name: OURS, pid: gateway.pid, url, body: CLAIM(bigSale), authorizations, saleId: bigSale },
  ];
  for (const peer of peers) {
    const running = await startGateway('ours', subgraphs.info, { MAX_WS_CONNECTIONS: '100', WORKERS: String(workers), ...peer.env, ...gatewayLimits });
    peerGateways.push(running);
    sustainedTargets.push({ name: peer.name, pid: running.pid, url: running.info.url, body: CLAIM(peer.saleId), authorizations, saleId: peer.saleId });
  }
  sustainedTargets.push(
    { name: ROW_LOCK, pid: rowlockBig.pid, url: rowlockBig.url, body: '{}' },
    { name: ENGINE, pid: engineBig.pid, url: engineBig.url, body: '{}', saleId: engineBigSale },
    { name: EMPTY, pid: empty.pid, url: empty.url, body: '{}' },
  );
  const gatewayPids = new Set([gateway.pid, ...peerGateways.map((peer) => peer.pid)]);
  const windows = new Map(sustainedTargets.map((target) => [target.name, [] as { load: MeasuredLoad; claims: number; scriptCalls: number; scriptUsec: number }[]]));
  for (let round = 0; round < rounds; round++) {
    for (const target of rotated(sustainedTargets, round)) {
      console.log(`round ${round + 1}/${rounds} sustained → ${target.name}`);
      const before = await scriptTime(redisStats);
      const remainingBefore = target.saleId ? await remainingOf(redisStats, subgraphs.info.redisKeyPrefix, target.saleId) : 0;
      const load = await runLoad({ stages: [[{ url: target.url, body: target.body, ...(target.authorizations ? { authorizations: target.authorizations } : {}) }]], concurrency: clients, warmupMs: 2_000, durationMs }, [target.pid, subgraphs.pid]);
      const after = await scriptTime(redisStats);
      // Every claim of a window is granted (the sale is too big to sell out): the units it lost are its claims.
      const claims = target.saleId ? remainingBefore - (await remainingOf(redisStats, subgraphs.info.redisKeyPrefix, target.saleId)) : 0;
      windows.get(target.name)!.push({ load, claims, scriptCalls: after.calls - before.calls, scriptUsec: after.usec - before.usec });
      if (load.firstError) console.log(`  first error: ${load.firstError}`);
    }
  }
  const sustainedRows: Cell[][] = [];
  const sustainedResults: Record<string, unknown> = {};
  const rate = (name: string, round: number) => {
    const { load } = windows.get(name)![round]!;
    return load.requests / load.seconds;
  };
  for (const target of sustainedTargets) {
    const measured = windows.get(target.name)!;
    const stats = summarize(measured.map((w) => w.load));
    const meanCpu = (pid: number) => measured.reduce((sum, w) => sum + (w.load.cpuPercent[pid] ?? 0), 0) / measured.length;
    const claims = measured.reduce((sum, w) => sum + w.claims, 0);
    const scriptCalls = measured.reduce((sum, w) => sum + w.scriptCalls, 0);
    // Over warm-up and measurement alike (per claim); claims are nearly all of the script calls.
    const scriptUsec = measured.reduce((sum, w) => sum + w.scriptUsec, 0);
    const redisUsPerClaim = claims > 0 ? scriptUsec / claims : null;
    const claimsPerScript = claims > 0 && scriptCalls > 0 ? claims / scriptCalls : null;
    const throughGateway = gatewayPids.has(target.pid);
    const perRound = measured.map((_, round) => rate(target.name, round));
    sustainedResults[target.name] = { ...stats, perRound, cpu: meanCpu(target.pid), subgraphsCpu: throughGateway ? meanCpu(subgraphs.pid) : null, redisUsPerClaim, claimsPerScript };
    sustainedRows.push([
      target.name,
      clients,
      stats.rps,
      rangeText(perRound, 0),
      stats.p50,
      stats.p99,
      stats.errors,
      meanCpu(target.pid),
      throughGateway ? meanCpu(subgraphs.pid) : null,
      redisUsPerClaim,
      claimsPerScript,
      stats.stealPercent,
    ]);
  }
  printTable(
    `time-sale sustained: ${clients} closed-loop clients, ${rounds} rounds x ${durationMs / 1000} s per target (claims/s and latencies over all rounds)`,
    ['target', 'clients', 'claims/s', 'rounds claims/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU %', 'subgraphs CPU %', 'Redis µs/claim', 'claims/script', 'steal %'],
    sustainedRows,
  );
  // The ratios the targets are read from, round by round: each from windows measured minutes apart at most.
  const roundIndexes = [...Array(rounds).keys()];
  const toRowLock = roundIndexes.map((round) => rate(OURS, round) / rate(ROW_LOCK, round));
  const toCeiling = roundIndexes.map((round) => (100 * rate(OURS, round)) / rate(EMPTY, round));
  const all = (name: string) => summarize(windows.get(name)!.map((w) => w.load)).rps;
  console.log(`\nours / row lock, per round: ${ratioText(toRowLock)}; over all rounds ${(all(OURS) / all(ROW_LOCK)).toFixed(2)}x`);
  console.log(`ours / empty handler, per round: ${toCeiling.map((p) => `${p.toFixed(1)}%`).join(', ')}; over all rounds ${((100 * all(OURS)) / all(EMPTY)).toFixed(1)}%`);
  // What answered the gateways' session checks over the whole run: ours and the other peers from memory, the
  // SESSION_CHECK=redis peer in Redis. A share in Redis for ours would mean the figures above measured the wrong path.
  // And how many claims each gateway's requests to inventory carried: the batching the rates above depend on. And how
  // many claims it answered SOLD_OUT itself: only bursts sell a sale out, so these are the bursts' answers.
  const counts: Record<string, Awaited<ReturnType<typeof gatewayCounts>>> = {};
  for (const { name, url: target } of sustainedTargets.filter((t) => gatewayPids.has(t.pid))) counts[name] = await gatewayCounts(target);
  printTable(
    'gateways over the run: session checks by what answered them, calls to inventory per HTTP request, and claims answered SOLD_OUT by the gateway itself',
    ['gateway', 'memory', 'Redis', 'calls/request', 'sold out by the gateway'],
    Object.entries(counts).map(([name, { memory, redis, callsPerRequest, soldOutAnswers }]) => [name, memory, redis, callsPerRequest, soldOutAnswers]),
  );
  await writeResults('time-sale', {
    settings: { buyers, units, clients, durationMs, rounds, workers, members: emails.length },
    burst: burstResults,
    settleWaits,
    sustained: sustainedResults,
    ratios: { toRowLock, toCeilingPercent: toCeiling },
    gatewayCounts: counts,
  });
} finally {
  await redisStats?.quit();
  await Promise.allSettled([...baselines].map((b) => stop(b.child)));
  await database?.drop();
  await gateway?.stop();
  await Promise.allSettled(peerGateways.map((peer) => peer.stop()));
  await subgraphs?.stop();
}
