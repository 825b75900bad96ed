import { Gauge, type Registry } from 'prom-client';

/** What pg's Pool exposes about itself. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Gauges read from the database pool at scrape time: connections in use, idle, and callers waiting for one. */
export function registerDbPoolMetrics(registry: Registry, pool: PoolStats, max?: number) {
  const registers = [registry];
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state: used (checked out) or idle.',
    labelNames: ['state'],
    registers,
    collect() {
      this.set({ state: 'used' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({
    name: 'db_pool_waiting',
    help: 'Queries waiting for a free database pool connection.',
    registers,
    collect() {
      this.set(pool.waitingCount);
    },
  });
  if (max !== undefined) {
    new Gauge({ name: 'db_pool_max', help: 'Database pool size limit.', registers }).set(max);
  }
}
