import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, TEST_GATEWAY_SECRET } from '@commerce/testkit';
import { spawnTs, stop, waitForLine } from './processes.js';
import { benchDir, repoRoot } from './report.js';
import type { Seeded, SeedPlan } from './seed.js';

export interface SubgraphsInfo {
  subgraphUrls: Record<string, string>;
  controlUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  database: string;
  seeded: Seeded;
}

export interface Running<Info> {
  child: ChildProcess;
  pid: number;
  info: Info;
  stop(): Promise<void>;
}

/** One child process running all five subgraphs on a fresh database with the demo shop plus `seed`. */
export async function startSubgraphs(
  label: string,
  seed: Partial<SeedPlan>,
  config: Record<string, unknown> = {},
  nodeArgs: string[] = [],
): Promise<Running<SubgraphsInfo>> {
  const child = spawnTs(
    join(benchDir, 'src/lib/subgraphs-process.ts'),
    { BENCH_LABEL: label, BENCH_SEED: JSON.stringify(seed), BENCH_SUBGRAPH_CONFIG: JSON.stringify(config) },
    nodeArgs,
  );
  const info = JSON.parse(await waitForLine(child, 'READY ', 'subgraphs')) as SubgraphsInfo;
  return { child, pid: child.pid!, info, stop: () => stop(child) };
}

export type GatewayKind = 'ours' | 'apollo' | 'hive';

export const GATEWAY_LABELS: Record<GatewayKind, string> = {
  ours: 'ours (gateway/src)',
  apollo: '@apollo/gateway defaults',
  hive: 'Hive Gateway',
};

/**
 * Starts one gateway as its own process in front of the shared subgraphs. Ours is gateway/src/main.ts with
 * env config; the peers are the minimal scripts in src/gateways. All get the subgraph URLs and the secret the
 * test subgraphs trust.
 */
export async function startGateway(
  kind: GatewayKind,
  subgraphs: SubgraphsInfo,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Running<{ url: string }>> {
  const port = await freePort();
  const common = { PORT: String(port), HOST: '127.0.0.1', SUBGRAPH_URLS: JSON.stringify(subgraphs.subgraphUrls), ...env };
  let child: ChildProcess;
  let marker: string;
  if (kind === 'ours') {
    child = spawnTs(
      join(repoRoot, 'gateway/src/main.ts'),
      {
        // Every bench client connects from 127.0.0.1 and a few members stand in for thousands of buyers, so the
        // gateway's per-member and per-address mutation limits are off unless a scenario passes RATE_LIMITS.
        RATE_LIMITS: 'off',
        ...common,
        GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
        REDIS_URL: subgraphs.redisUrl,
        REDIS_KEY_PREFIX: subgraphs.redisKeyPrefix,
        SUPERGRAPH_WATCH: 'false',
        ...Object.fromEntries(Object.entries(subgraphs.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
      },
      nodeArgs,
    );
    marker = 'gateway ready at ';
  } else {
    child = spawnTs(join(benchDir, `src/gateways/${kind}.ts`), common, nodeArgs);
    marker = 'READY ';
  }
  await waitForLine(child, marker, kind);
  return { child, pid: child.pid!, info: { url: `http://127.0.0.1:${port}/graphql` }, stop: () => stop(child) };
}

/** The committed supergraph with each subgraph's composed URL (ports 4001-4005) replaced by `urls`. */
export function supergraphWithUrls(urls: Record<string, string>): string {
  let sdl = readFileSync(join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
  const composedPorts: Record<string, number> = { members: 4001, catalog: 4002, inventory: 4003, orders: 4004, coupons: 4005 };
  for (const [name, url] of Object.entries(urls)) {
    const composed = `http://127.0.0.1:${composedPorts[name]}/graphql`;
    if (!sdl.includes(composed)) throw new Error(`supergraph.graphql has no ${composed} for ${name}`);
    sdl = sdl.replaceAll(composed, url);
  }
  return sdl;
}
