export * from './db-pool-metrics.js';
export * from './label-cap.js';
export * from './metrics.js';
