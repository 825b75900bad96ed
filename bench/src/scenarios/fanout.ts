/**
 * Scenario "fanout": N graphql-ws subscribers on our gateway over a few hundred variants (stockChanged, one variant
 * each, N/variants subscribers per variant) while stock changes at a steady rate (adjustStock directly on inventory
 * with the owner's signed identity). Measures delivery latency (client receive time − the event's `at`), subscribers
 * that got nothing, final values wrong (must be 0), gateway RSS/CPU, and upstream subscriptions opened, counted at
 * the subgraphs as graphql-ws `subscribe` messages received.
 * Env: BENCH_FANOUT_SUBSCRIBERS (10000), BENCH_FANOUT_VARIANTS (300), BENCH_FANOUT_RATE (changes/s, 50),
 * BENCH_FANOUT_DURATION_S (20), BENCH_FANOUT_OPEN_PER_S (1000).
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { asMember, cpuSeconds, graphqlData, openFileLimits, rssMb } from '@commerce/testkit';
import { setChildFileLimit, spawnTs } from '../lib/processes.js';
import { benchDir, envNumber, percentile, printTable, sleep, sortNumbers, writeResults } from '../lib/report.js';
import { adjustStock, mapLimit } from '../lib/seed.js';
import { type Running, startGateway, startSubgraphs, type SubgraphsInfo } from '../lib/supergraph.js';

const subscribers = envNumber('BENCH_FANOUT_SUBSCRIBERS', 10_000);
const variantCount = envNumber('BENCH_FANOUT_VARIANTS', 300);
const rate = envNumber('BENCH_FANOUT_RATE', 50);
const durationMs = envNumber('BENCH_FANOUT_DURATION_S', 20) * 1000;
const openPerSecond = envNumber('BENCH_FANOUT_OPEN_PER_S', 1000);

// Each subscriber is a socket in the subscriber process and one in the gateway.
const needed = subscribers + 1024;
const limits = openFileLimits();
if (limits.hard < needed) {
  console.error(
    `fanout needs ${needed} open files per process for ${subscribers} subscribers, but the hard limit (ulimit -Hn) is ${limits.hard}.\n` +
      'Raise it (e.g. in /etc/security/limits.conf or with `ulimit -Hn` as root) or lower BENCH_FANOUT_SUBSCRIBERS.',
  );
  process.exit(1);
}
if (limits.soft < needed) setChildFileLimit(needed);

const lineReader = (child: ReturnType<typeof spawnTs>) => {
  const waiting = new Map<string, (rest: string) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    for (const [marker, resolve] of waiting) if (line.startsWith(marker)) return resolve(line.slice(marker.length));
    console.log(`  [subscribers] ${line.slice(0, 300)}`);
  });
  return (marker: string) => new Promise<string>((resolve) => waiting.set(marker, resolve));
};

let subgraphs: Running<SubgraphsInfo> | undefined;
let gateway: Running<{ url: string }> | undefined;
let worker: ReturnType<typeof spawnTs> | undefined;
try {
  const perStore = 10 * 5;
  const stores = Math.max(1, Math.ceil(variantCount / perStore));
  console.log(`fanout scenario: ${subscribers} subscribers over ${variantCount} variants; booting and seeding…`);
  subgraphs = await startSubgraphs('bench_fanout', { stores, productsPerStore: 5, variantsPerProduct: 10, initialStock: 1_000 });
  const { subgraphUrls, controlUrl } = subgraphs.info;
  const variants = subgraphs.info.seeded.variants.slice(0, variantCount);
  gateway = await startGateway('ours', subgraphs.info, { MAX_WS_CONNECTIONS: String(subscribers + 100) });
  const wsStats = async () => (await (await fetch(`${controlUrl}/stats`)).json()).ws as { subscribes: number; completes: number };

  worker = spawnTs(join(benchDir, 'src/lib/subscriber-worker.ts'), {
    BENCH_GATEWAY_URL: gateway.info.url,
    BENCH_VARIANTS: JSON.stringify(variants.map((v) => v.id)),
    BENCH_SUBSCRIBERS: String(subscribers),
    BENCH_OPEN_PER_S: String(openPerSecond),
  });
  const waitFor = lineReader(worker);
  const openStarted = Date.now();
  const opened = JSON.parse(await waitFor('OPENED ')) as { errors: number };
  await sleep(3_000); // let the last subscriptions reach the gateway and the upstream
  const openSeconds = (Date.now() - openStarted) / 1000;
  const rssAfterOpen = rssMb(gateway.pid);
  console.log(`opened ${subscribers} subscribers in ${openSeconds.toFixed(1)} s (${opened.errors} errors); gateway RSS ${rssAfterOpen.toFixed(0)} MB`);

  // Steady changes: every 1/rate s the next variant (round robin) by ±1..3 units.
  const changes = new Uint32Array(variants.length);
  let failures = 0;
  let peakRss = rssAfterOpen;
  const cpuBefore = cpuSeconds(gateway.pid);
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let tick = 0; Date.now() - started < durationMs; tick++) {
    const index = tick % variants.length;
    const delta = (tick % 2 === 0 ? 1 : -1) * (1 + (tick % 3));
    const change = adjustStock(subgraphUrls.inventory!, variants[index]!, delta)
      .then(() => void (changes[index] = changes[index]! + 1))
      .catch(() => void failures++)
      .finally(() => inFlight.delete(change));
    inFlight.add(change);
    if (tick % rate === 0) peakRss = Math.max(peakRss, rssMb(gateway.pid));
    const due = started + ((tick + 1) * 1000) / rate;
    await sleep(Math.max(0, due - Date.now()));
  }
  await Promise.all(inFlight);
  const changeSeconds = (Date.now() - started) / 1000;
  const gatewayCpu = ((cpuSeconds(gateway.pid) - cpuBefore) / changeSeconds) * 100;
  await sleep(3_000); // coalescing windows close, the last events arrive

  // The truth: each variant's available units now, from inventory.
  const finals = new Map<string, number>();
  await mapLimit(
    Array.from({ length: Math.ceil(variants.length / 100) }, (_, i) => variants.slice(i * 100, i * 100 + 100)),
    2,
    async (chunk) => {
      const data = await graphqlData(
        subgraphUrls.inventory!,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { id stock { available } } } }',
        { r: chunk.map((v) => ({ __typename: 'ProductVariant', id: v.id })) },
        asMember(variants[0]!.ownerId),
      );
      for (const entity of data._entities) finals.set(entity.id, entity.stock.available);
    },
  );
  const upstream = await wsStats();
  const resultLine = waitFor('RESULT ');
  worker.kill('SIGUSR2');
  const result = JSON.parse(await resultLine) as { last: (number | null)[]; counts: number[]; latencies: number[]; errors: number; firstError?: string; rssMb: number };

  let wrong = 0;
  let nothing = 0;
  let events = 0;
  let upperBound = 0;
  for (let i = 0; i < subscribers; i++) {
    const v = i % variants.length;
    events += result.counts[i]!;
    upperBound += changes[v]!;
    if (changes[v]! > 0 && result.counts[i] === 0) nothing++;
    if (changes[v]! > 0 && result.last[i] !== finals.get(variants[v]!.id)) wrong++;
  }
  const latencies = sortNumbers(result.latencies);
  const totalChanges = changes.reduce((sum, n) => sum + n, 0);
  const row = {
    subscribers,
    variants: variants.length,
    changes: totalChanges,
    changesPerSecond: totalChanges / changeSeconds,
    failedChanges: failures,
    events,
    eventsUpperBound: upperBound,
    subscribersWithNothing: nothing,
    finalWrong: wrong,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1],
    gatewayRssAfterOpen: rssAfterOpen,
    gatewayRssPeak: peakRss,
    gatewayCpu,
    upstreamSubscriptions: upstream.subscribes - upstream.completes,
    clientErrors: result.errors,
    firstClientError: result.firstError,
  };
  printTable(
    `fanout: ${subscribers} subscribers, ${variants.length} variants, ${rate} changes/s for ${changeSeconds.toFixed(0)} s (coalescing window: gateway default)`,
    ['subscribers', 'variants', 'changes', 'failed changes', 'events delivered', 'changes x subs', 'subs w/o event', 'final wrong', 'p50 ms', 'p99 ms', 'max ms', 'gw RSS open MB', 'gw RSS peak MB', 'gw CPU %', 'upstream subs', 'client errors'],
    [[subscribers, variants.length, totalChanges, failures, events, upperBound, nothing, wrong, row.p50, row.p99, row.max, rssAfterOpen, peakRss, gatewayCpu, row.upstreamSubscriptions, result.errors]],
  );
  if (result.firstError) console.log(`first client error: ${result.firstError}`);
  console.log(`upstream subscriptions: graphql-ws subscribe minus complete messages received by the subgraphs (expected ${variants.length}: one per distinct operation+variables)`);
  if (wrong > 0) console.log(`FAIL: ${wrong} subscribers ended on a value other than the variant's final available`);
  await writeResults('fanout', { settings: { subscribers, variantCount, rate, durationMs, openPerSecond, openSeconds }, ...row });
  if (wrong > 0) process.exitCode = 1;
} finally {
  if (worker && worker.exitCode === null) worker.kill('SIGTERM');
  await gateway?.stop();
  await subgraphs?.stop();
}
