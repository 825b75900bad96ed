/**
 * The database-free part of the kit, for processes that serve HTTP but own no tables (the gateway):
 * importing it does not load MikroORM.
 */
export * from './config/parse-env.js';
export * from './errors/format-error.js';
export * from './errors/graphql-errors.js';
export * from './server/http-errors.js';
export * from './server/http-listener.js';
export * from './identity/ended-sessions.js';
export * from './identity/identity-headers.js';
export * from './identity/viewer.js';
export * from './time-sale/sold-out-sales.js';
export * from './server/graphql-http-handler.js';
export * from './graphql/nul-character.js';
export * from './server/nul-character-plugin.js';
export * from './server/subgraph-batch.js';
export * from './cache/single-flight-cache.js';
export * from './redis/create-redis.js';
export * from './redis/lua-commands.js';
export * from './telemetry/observability-env.js';
export * from './server/graphql-route.js';
export * from './server/client-info.js';
