/**
 * Scenario "gateway": the same deep and shallow queries through our gateway, @apollo/gateway with its defaults,
 * Hive Gateway, and straight to the subgraphs (the floor), in interleaved rounds against one subgraphs process.
 * Env: BENCH_DURATION_S (per measured window, 8), BENCH_WARMUP_S (2), BENCH_ROUNDS (2), BENCH_CONCURRENCY (16),
 * BENCH_CPU_PROF=1 (run our gateway with --cpu-prof; profile in bench/results/profiles).
 * BENCH_VARIED=1: every client request carries other variables (the shallow query one of the seeded products in
 * turn, the deep query a page size from 10 to 41 in turn), so concurrent requests rarely ask a subgraph the same
 * thing and sharing identical in-flight fetches cannot help; the direct floor keeps its fixed fetches.
 */
import { join } from 'node:path';
import { demoId } from '@commerce/demo-data';
import { graphqlData } from '@commerce/testkit';
import { type LoadRequest, type MeasuredLoad, runLoad, summarize } from '../lib/load.js';
import { benchDir, type Cell, envNumber, printTable, writeResults } from '../lib/report.js';
import { GATEWAY_LABELS, type GatewayKind, type Running, startGateway, startSubgraphs, type SubgraphsInfo } from '../lib/supergraph.js';

const durationMs = envNumber('BENCH_DURATION_S', 8) * 1000;
const warmupMs = envNumber('BENCH_WARMUP_S', 2) * 1000;
const rounds = envNumber('BENCH_ROUNDS', 2);
const concurrency = envNumber('BENCH_CONCURRENCY', 16);
const cpuProfile = process.env.BENCH_CPU_PROF === '1';
const varied = process.env.BENCH_VARIED === '1';

const DEEP = `query Deep($first: Int = 25) { products(first: $first) { edges { node { name store { name owner { name } }
  variants { sku price { amount } stock { available } } } } } }`;
const SHALLOW = `query Shallow($id: ID!) { product(id: $id) { name variants { sku stock { available } } } }`;
const SHALLOW_VARIABLES = { id: demoId('product:linen-shirt') };

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const entities = (query: string, typename: string, reps: { id: string }[], fields: string) =>
  body(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${fields} } } }`, {
    r: reps.map(({ id }) => ({ __typename: typename, id })),
  });

/**
 * The floor: the same subgraph fetches the query plan makes (catalog first, then the entity fetches in
 * parallel), sent by the load generator itself, so no gateway parses, plans or merges anything.
 */
async function directStages(urls: Record<string, string>) {
  const shallowCatalog = `query ($id: ID!) { product(id: $id) { name variants { __typename id sku } } }`;
  const product = (await graphqlData(urls.catalog!, shallowCatalog, SHALLOW_VARIABLES)).product;
  const deepCatalog = `{ products(first: 25) { edges { node { name store { name owner { __typename id } }
    variants { __typename id sku price { amount } } } } } }`;
  const page = (await graphqlData(urls.catalog!, deepCatalog)).products.edges.map((edge: any) => edge.node);
  const owners = [...new Set<string>(page.map((node: any) => node.store.owner.id))].map((id) => ({ id }));
  const variants = page.flatMap((node: any) => node.variants);
  return {
    shallow: [
      [{ url: urls.catalog!, body: body(shallowCatalog, SHALLOW_VARIABLES) }],
      [{ url: urls.inventory!, body: entities('', 'ProductVariant', product.variants, 'stock { available }') }],
    ],
    deep: [
      [{ url: urls.catalog!, body: body(deepCatalog) }],
      [
        { url: urls.members!, body: entities('', 'Member', owners, 'name') },
        { url: urls.inventory!, body: entities('', 'ProductVariant', variants, 'stock { available }') },
      ],
    ],
  } satisfies Record<string, LoadRequest[][]>;
}

/** Products, variants, stores and owners in one deep response. */
const countEntities = (data: any) =>
  data.products.edges.reduce((sum: number, { node }: any) => sum + 1 + 2 + node.variants.length, 0);

type Target = GatewayKind | 'direct';
const TARGETS: Target[] = ['ours', 'apollo', 'hive', 'direct'];

let subgraphs: Running<SubgraphsInfo> | undefined;
const gateways: Partial<Record<GatewayKind, Running<{ url: string }>>> = {};
try {
  console.log('gateway scenario: booting the subgraphs and seeding…');
  subgraphs = await startSubgraphs('bench_gateway', { stores: 8, productsPerStore: 4, variantsPerProduct: 3 });
  const nodeArgs = cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', join(benchDir, 'results/profiles')] : [];
  for (const kind of ['ours', 'apollo', 'hive'] as const) {
    gateways[kind] = await startGateway(kind, subgraphs.info, {}, kind === 'ours' ? nodeArgs : []);
  }
  const direct = await directStages(subgraphs.info.subgraphUrls);

  // Every gateway must give the same answer before we time anything.
  const reference = await graphqlData(gateways.ours!.info.url, DEEP);
  for (const kind of ['apollo', 'hive'] as const) {
    const other = await graphqlData(gateways[kind]!.info.url, DEEP);
    if (JSON.stringify(other) !== JSON.stringify(reference)) throw new Error(`${kind} answers the deep query differently`);
  }
  const deepEntities = countEntities(reference);
  console.log(`deep query: ${deepEntities} entities per response (products, variants, stores, owners); ${concurrency} concurrent clients`);

  const queries = { deep: body(DEEP), shallow: body(SHALLOW, SHALLOW_VARIABLES) };
  const productIds = (await graphqlData(gateways.ours!.info.url, '{ products(first: 100) { edges { node { id } } } }')).products.edges.map(
    (edge: { node: { id: string } }) => edge.node.id,
  );
  const variedBodies = {
    deep: Array.from({ length: 32 }, (_, i) => body(DEEP, { first: 10 + i })),
    shallow: productIds.map((id: string) => body(SHALLOW, { id })),
  };
  const runs: Record<string, MeasuredLoad[]> = {};
  const watched: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const query of ['deep', 'shallow'] as const) {
      // Rotate the order each round so no target always runs first (warmer caches, cooler CPU).
      const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
      for (const target of order) {
        const stages =
          target === 'direct'
            ? direct[query]
            : [[{ url: gateways[target]!.info.url, body: queries[query], ...(varied ? { bodies: variedBodies[query] } : {}) }]];
        const watch = target === 'direct' ? [subgraphs.pid] : [gateways[target]!.pid, subgraphs.pid];
        console.log(`round ${round + 1}/${rounds} ${query} → ${target}`);
        const key = `${query}|${target}`;
        (runs[key] ??= []).push(await runLoad({ stages, concurrency, warmupMs, durationMs }, watch));
        watched[key] = watch;
      }
    }
  }

  const rows: Cell[][] = [];
  const summary: Record<string, unknown> = {};
  for (const query of ['deep', 'shallow'] as const) {
    const stats = Object.fromEntries(TARGETS.map((target) => [target, summarize(runs[`${query}|${target}`]!)]));
    for (const target of TARGETS) {
      const key = `${query}|${target}`;
      const s = stats[target]!;
      const [gatewayPid, subgraphsPid] = target === 'direct' ? [undefined, subgraphs.pid] : watched[key]!;
      const mean = (pid: number | undefined, field: 'cpuPercent' | 'rss') =>
        pid === undefined ? null : runs[key]!.reduce((sum, run) => sum + run[field][pid]!, 0) / runs[key]!.length;
      const row = {
        rps: s.rps,
        p50: s.p50,
        p99: s.p99,
        gatewayCpu: mean(gatewayPid, 'cpuPercent'),
        subgraphsCpu: mean(subgraphsPid, 'cpuPercent'),
        gatewayRss: mean(gatewayPid, 'rss'),
        vsApollo: s.rps / stats.apollo!.rps,
        vsHive: s.rps / stats.hive!.rps,
        errors: s.errors,
        steal: s.stealPercent,
        firstError: s.firstError,
      };
      summary[key] = row;
      const label = target === 'direct' ? (query === 'deep' ? 'direct (same subgraph fetches, no gateway)' : 'direct (same subgraph fetches, no gateway)') : GATEWAY_LABELS[target];
      rows.push([query, label, row.rps, row.p50, row.p99, row.gatewayCpu, row.subgraphsCpu, row.gatewayRss, `${row.vsApollo.toFixed(2)}x`, `${row.vsHive.toFixed(2)}x`, row.errors, row.steal]);
    }
  }
  printTable(
    `gateway: ${rounds} rounds x ${durationMs / 1000}s per target and query, ${concurrency} concurrent, deep = ${deepEntities} entities${varied ? ', varied variables' : ', identical requests'}`,
    ['query', 'target', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU %', 'subgraphs CPU %', 'gw RSS MB', 'req/s vs apollo', 'req/s vs hive', 'errors', 'steal %'],
    rows,
  );
  for (const [key, row] of Object.entries(summary)) {
    const error = (row as { firstError?: string }).firstError;
    if (error) console.log(`first error for ${key}: ${error}`);
  }
  await writeResults(varied ? 'gateway-varied' : 'gateway', { settings: { durationMs, warmupMs, rounds, concurrency, deepEntities, varied }, queries: { DEEP, SHALLOW }, summary });
} finally {
  await Promise.allSettled(Object.values(gateways).map((gateway) => gateway.stop()));
  await subgraphs?.stop();
}
