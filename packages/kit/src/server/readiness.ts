import type { Redis } from 'ioredis';
import type { Orm } from '../db/create-orm.js';

/** Rejects after `ms`, so a hung dependency makes /ready answer 503 instead of hanging the probe. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/** Checks that PostgreSQL and Redis answer; used by GET /ready. */
export async function checkReadiness(orm: Orm, redis: Redis, timeoutMs = 2_000): Promise<ReadinessReport> {
  const checks: Record<string, string> = {};
  const probes: Record<string, () => Promise<unknown>> = {
    postgres: () => orm.em.getConnection().execute('select 1'),
    redis: () => redis.ping(),
  };
  await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      try {
        await withTimeout(probe(), timeoutMs, name);
        checks[name] = 'ok';
      } catch (error) {
        checks[name] = error instanceof Error ? error.message : String(error);
      }
    }),
  );
  return { ready: Object.values(checks).every((value) => value === 'ok'), checks };
}
