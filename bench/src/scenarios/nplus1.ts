/**
 * Scenario "nplus1": SQL statements per request for list queries of 10, 100 and 1,000 items, through our gateway
 * and as subgraph `_entities` batches. Statements are counted in the subgraphs process by wrapping pg's
 * Client.query (pg_stat_statements is not preloaded on these machines), per subgraph schema; polling workers'
 * statements and transaction control (begin/commit) are counted apart. A count that grows with n is an N+1.
 * Env: BENCH_NPLUS1_REPEAT (requests per case, 5).
 */
import { graphqlData } from '@commerce/testkit';
import { type Cell, envNumber, printTable, writeResults } from '../lib/report.js';
import { type Running, startGateway, startSubgraphs, type SubgraphsInfo } from '../lib/supergraph.js';

const repeat = envNumber('BENCH_NPLUS1_REPEAT', 5);
const SCHEMAS = ['members', 'catalog', 'inventory', 'orders', 'coupons'];
const LIST = `query ($n: Int!, $after: String) { products(first: $n, after: $after) { pageInfo { hasNextPage endCursor }
  edges { node { name store { name owner { name } } variants { sku price { amount } stock { available } } } } } }`;
const PRODUCT_ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name store { name } variants { sku } } } }`;
const VARIANT_ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { stock { available onHand } } } }`;

interface SqlStats {
  perSchema: Record<string, number>;
  background: number;
  tx: number;
  other: number;
  top: [string, number][];
}

let subgraphs: Running<SubgraphsInfo> | undefined;
let gateway: Running<{ url: string }> | undefined;
try {
  console.log('nplus1 scenario: booting the subgraphs and seeding 1,000 products (2 variants each)…');
  subgraphs = await startSubgraphs('bench_nplus1', { stores: 10, productsPerStore: 100, variantsPerProduct: 2 });
  gateway = await startGateway('ours', subgraphs.info);
  const { controlUrl, subgraphUrls, seeded } = subgraphs.info;
  const stats = async (reset = false) => (await (await fetch(`${controlUrl}/stats${reset ? '/reset' : ''}`)).json()).sql as SqlStats;

  /** Runs `work` `times` times after one unmeasured warm-up; answers statements per run and the items seen. */
  async function measure(work: () => Promise<number>, times: number) {
    await work();
    await stats(true);
    const started = Date.now();
    let items = 0;
    for (let i = 0; i < times; i++) items += await work();
    const counted = await stats();
    return { counted, items: items / times, seconds: (Date.now() - started) / 1000 };
  }

  const gatewayPage = async (n: number, after?: string) => {
    const data = await graphqlData(gateway!.info.url, LIST, { n, after: after ?? null });
    return data.products as { edges: { node: { variants: unknown[] } }[]; pageInfo: { endCursor: string } };
  };
  const itemsOf = (page: Awaited<ReturnType<typeof gatewayPage>>) =>
    page.edges.reduce((sum, edge) => sum + 1 + edge.node.variants.length, 0);

  const cases: { label: string; n: number; requestsPerRun: number; run: () => Promise<number> }[] = [
    { label: 'gateway products(first: n)', n: 10, requestsPerRun: 1, run: async () => itemsOf(await gatewayPage(10)) },
    { label: 'gateway products(first: n)', n: 100, requestsPerRun: 1, run: async () => itemsOf(await gatewayPage(100)) },
    {
      label: 'gateway 10 pages of 100',
      n: 1000,
      requestsPerRun: 10,
      run: async () => {
        let after: string | undefined;
        let items = 0;
        for (let page = 0; page < 10; page++) {
          const result = await gatewayPage(100, after);
          items += itemsOf(result);
          after = result.pageInfo.endCursor;
        }
        return items;
      },
    },
  ];
  for (const n of [10, 100, 1000]) {
    const products = seeded.products.slice(0, n).map((id) => ({ __typename: 'Product', id }));
    const variants = seeded.variants.slice(0, n).map(({ id }) => ({ __typename: 'ProductVariant', id }));
    cases.push({
      label: 'catalog _entities(Product)',
      n,
      requestsPerRun: 1,
      run: async () => (await graphqlData(subgraphUrls.catalog!, PRODUCT_ENTITIES, { r: products }))._entities.length,
    });
    cases.push({
      label: 'inventory _entities(ProductVariant)',
      n,
      requestsPerRun: 1,
      run: async () => (await graphqlData(subgraphUrls.inventory!, VARIANT_ENTITIES, { r: variants }))._entities.length,
    });
  }

  // The polling workers' share while nothing else happens, for scale.
  await stats(true);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idle = await stats();

  const rows: Cell[][] = [];
  const results = [];
  for (const c of cases) {
    const { counted, items, seconds } = await measure(c.run, repeat);
    const requests = repeat * c.requestsPerRun;
    const per = (value: number) => value / requests;
    const total = SCHEMAS.reduce((sum, name) => sum + (counted.perSchema[name] ?? 0), 0) + counted.other;
    results.push({ ...c, run: undefined, items, requests, counted, seconds });
    rows.push([c.label, c.n, items, requests, per(total), ...SCHEMAS.map((name) => per(counted.perSchema[name] ?? 0)), per(counted.other), counted.background, counted.tx]);
  }
  printTable(
    `nplus1: SQL statements per request (mean of ${repeat} runs after a warm-up); polling workers' statements and begin/commit excluded`,
    ['case', 'n', 'items/run', 'requests', 'SQL/req', ...SCHEMAS, 'unattributed', 'bg (excl.)', 'tx (excl.)'],
    rows,
  );
  console.log(`idle for 2 s: ${idle.background} polling statements, ${idle.tx} begin/commit, ${SCHEMAS.reduce((s, n) => s + (idle.perSchema[n] ?? 0), 0) + idle.other} others`);
  const grows = ['gateway', 'catalog', 'inventory'].filter((prefix) => {
    const counts = rows.filter((row) => String(row[0]).startsWith(prefix)).map((row) => Number(row[4]));
    return Math.max(...counts) > Math.min(...counts) + 0.5;
  });
  console.log(grows.length ? `GROWS WITH n: ${grows.join(', ')}` : 'statements per request do not grow with n');
  await writeResults('nplus1', { repeat, idle, results, grows });
} finally {
  await gateway?.stop();
  await subgraphs?.stop();
}
