export * from './graphql-client.js';
export * from './subgraph-harness.js';
export * from './test-database.js';
export * from './test-redis.js';
export * from './identity.js';
export * from './mail-catcher.js';
export * from './prometheus.js';
export * from './eventually.js';
