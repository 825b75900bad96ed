import type { SubgraphApp, SubgraphConfig } from '@commerce/kit';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { createTestRedisNamespace, type TestRedisNamespace } from './test-redis.js';

/** The secret test subgraphs and test gateways share; `asMember`/`asService` sign identities with it. */
export const TEST_GATEWAY_SECRET = 'test-gateway-secret-shared-by-test-subgraphs';

export interface TestEnvironment {
  database: TestDatabase;
  redis: TestRedisNamespace;
  config: SubgraphConfig;
  dispose(): Promise<void>;
}

/** A database and Redis prefix of its own, with a subgraph config pointing at them. */
export async function createTestEnvironment(label: string, overrides: Partial<SubgraphConfig> = {}): Promise<TestEnvironment> {
  const database = await createTestDatabase(label);
  const redis = createTestRedisNamespace(label);
  const config: SubgraphConfig = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    DB_POOL_MAX: 5,
    SEED_DEMO: false,
    SHUTDOWN_GRACE_MS: 2_000,
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    ...overrides,
  };
  return {
    database,
    redis,
    config,
    async dispose() {
      await Promise.allSettled([database.drop(), redis.cleanup()]);
    },
  };
}

export interface RunningSubgraph {
  app: SubgraphApp;
  url: string;
  env: TestEnvironment;
  close(): Promise<void>;
}

/** Boots a real subgraph app on a free port against its own test database and Redis prefix. */
export async function startTestSubgraph(
  createApp: (config: SubgraphConfig) => Promise<SubgraphApp>,
  label: string,
  overrides: Partial<SubgraphConfig> = {},
): Promise<RunningSubgraph> {
  const env = await createTestEnvironment(label, overrides);
  const app = await createApp(env.config);
  const url = await app.listen(0);
  return {
    app,
    url,
    env,
    async close() {
      await app.close();
      await env.dispose();
    },
  };
}
