export * from './limits-plugin.js';
export * from './operation-limits.js';
