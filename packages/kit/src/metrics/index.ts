export * from './db-pool-metrics.js';
export * from './label-cap.js';
export * from './metrics.js';
export * from './metrics-server.js';
export * from './redis-metrics.js';
export * from './scrape-read.js';
