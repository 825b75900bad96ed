export * from './logger.js';
export * from './logging-plugin.js';
