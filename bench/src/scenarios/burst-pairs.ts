/**
 * Scenario "burst-pairs": two builds of our gateway's configuration, A and B, in front of the same subgraphs, bursting
 * in turn (A B, B A, A B…) on fresh sales, BENCH_PAIRS (6) pairs of BENCH_TS_BUYERS (10000) claims against
 * BENCH_TS_UNITS (1000) units, each burst warmed up as in the time-sale scenario. This host's speed drifts by tens of
 * percent between two bursts a minute apart, more than most single changes move a burst: a change is read from the
 * ratio B/A of each pair, and from how many pairs it lowers, not from one run of each.
 *
 * A and B differ by Node flags (BENCH_PAIR_A_ARGS, BENCH_PAIR_B_ARGS: space-separated, after the services' own, so
 * they override them, e.g. "--max-semi-space-size=32") and by gateway environment (BENCH_PAIR_A_ENV,
 * BENCH_PAIR_B_ENV: JSON objects, e.g. {"SUBGRAPH_BATCHING":"false"}).
 */
import { createRedis } from '@commerce/kit';
import { rssMb } from '@commerce/testkit';
import { burst } from '../lib/burst.js';
import { envNumber, median, percentile, printTable, sleep, sortNumbers, writeResults } from '../lib/report.js';
import { mapLimit } from '../lib/seed.js';
import { type Running, startGateway, startSubgraphs, type SubgraphsInfo } from '../lib/supergraph.js';
import { BIG, CLAIM, claimsWritten, createSale, logInBuyers, redisServerPid } from '../lib/time-sale-setup.js';

const pairs = envNumber('BENCH_PAIRS', 6);
const buyers = envNumber('BENCH_TS_BUYERS', 10_000);
const units = envNumber('BENCH_TS_UNITS', 1_000);
const sides = ['A', 'B'] as const;
type Side = (typeof sides)[number];
const argsOf = (side: Side) => (process.env[`BENCH_PAIR_${side}_ARGS`] ?? '').split(' ').filter(Boolean);
const envOf = (side: Side) => JSON.parse(process.env[`BENCH_PAIR_${side}_ENV`] || '{}') as Record<string, string>;

interface PairedBurst {
  wallS: number;
  p99S: number;
  cpuSeconds: Record<string, number>;
  successes: number;
  errors: number;
}

let subgraphs: Running<SubgraphsInfo> | undefined;
const gateways: Partial<Record<Side, Running<{ url: string }>>> = {};
try {
  console.log(`burst-pairs scenario: ${pairs} pairs of ${buyers} buyers vs ${units} units; A: ${argsOf('A').join(' ') || '-'} ${JSON.stringify(envOf('A'))}, B: ${argsOf('B').join(' ') || '-'} ${JSON.stringify(envOf('B'))}; booting…`);
  // One variant for each gateway's warm-up sale, then one per burst.
  subgraphs = await startSubgraphs('bench_pairs', { stores: 1, productsPerStore: 1, variantsPerProduct: 2 + 2 * pairs, initialStock: BIG + units }, { TIME_SALE_CLAIM_RATE_LIMIT: 0 });
  for (const side of sides) gateways[side] = await startGateway('ours', subgraphs.info, { MAX_WS_CONNECTIONS: '100', ...envOf(side) }, argsOf(side));
  const info = subgraphs.info;
  const { authorizations } = await logInBuyers(gateways.A!.info.url, info, 20);
  const [warmupA, warmupB, ...burstVariants] = info.seeded.variants;
  const warmupSales: Record<Side, string> = { A: await createSale(info, warmupA!, BIG), B: await createSale(info, warmupB!, BIG) };
  const burstSales = await mapLimit(burstVariants, 1, (variant) => createSale(info, variant, units));
  await sleep(2_500); // the sales open 2 s after they are created

  const redis = createRedis({ url: info.redisUrl, keyPrefix: '' });
  const redisPid = await redisServerPid(redis);
  const results: Record<Side, PairedBurst[]> = { A: [], B: [] };
  try {
    for (let pair = 0; pair < pairs; pair++) {
      for (const side of pair % 2 === 0 ? sides : ([...sides].reverse() as Side[])) {
        const gateway = gateways[side]!;
        const result = await burst({
          url: gateway.info.url,
          body: CLAIM(burstSales[2 * pair + (side === 'A' ? 0 : 1)]!),
          authorizations,
          count: buyers,
          warmup: { url: gateway.info.url, body: CLAIM(warmupSales[side]) },
          settle: async () => void (await claimsWritten(redis, info.redisKeyPrefix, warmupSales[side])),
          servers: { gateway: gateway.pid, subgraphs: subgraphs.pid, redis: redisPid },
        });
        const paired: PairedBurst = {
          wallS: result.wallMs / 1000,
          p99S: percentile(sortNumbers(result.latencies), 0.99) / 1000,
          cpuSeconds: result.cpuSeconds,
          successes: result.outcomes.TimeSaleClaim ?? 0,
          errors: result.outcomes.error ?? 0,
        };
        results[side].push(paired);
        const cpu = Object.entries(paired.cpuSeconds).map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`).join(', ');
        console.log(`pair ${pair + 1}/${pairs} ${side}: wall ${paired.wallS.toFixed(2)} s, p99 ${paired.p99S.toFixed(2)} s, CPU s: ${cpu}`);
        if (paired.errors || paired.successes !== units) throw new Error(`burst on ${side}: ${paired.successes} successes, ${paired.errors} errors (${result.firstError ?? 'no error text'})`);
      }
    }
  } finally {
    redis.disconnect();
  }

  const measures: [string, (burst: PairedBurst) => number][] = [
    ['wall s', (b) => b.wallS],
    ['p99 s', (b) => b.p99S],
    ['gateway CPU s', (b) => b.cpuSeconds.gateway!],
    ['subgraphs CPU s', (b) => b.cpuSeconds.subgraphs!],
    ['load generator CPU s', (b) => b.cpuSeconds.client!],
  ];
  const rows = measures.map(([name, read]) => {
    const ratios = results.B.map((b, i) => read(b) / read(results.A[i]!));
    return [name, median(results.A.map(read)), median(results.B.map(read)), median(ratios), `${ratios.filter((ratio) => ratio < 1).length} of ${pairs}`];
  });
  printTable(`burst pairs: medians over ${pairs} bursts each, and B/A pair by pair`, ['measure', 'A', 'B', 'B/A (median of pairs)', 'pairs B lower'], rows);
  const rss = { A: rssMb(gateways.A!.pid), B: rssMb(gateways.B!.pid) };
  console.log(`gateway resident memory after the bursts: A ${rss.A.toFixed(0)} MB, B ${rss.B.toFixed(0)} MB`);
  await writeResults('burst-pairs', { settings: { pairs, buyers, units, A: { args: argsOf('A'), env: envOf('A') }, B: { args: argsOf('B'), env: envOf('B') } }, results, rss });
} finally {
  for (const side of sides) await gateways[side]?.stop();
  await subgraphs?.stop();
}
