import { Redis } from 'ioredis';

export interface RedisOptions {
  url: string;
  /** Prepended to every key, so deployments and test files can share one Redis server. */
  keyPrefix: string;
}

/** Opens an ioredis client that fails commands fast while disconnected instead of queueing them forever. */
export function createRedis({ url, keyPrefix }: RedisOptions): Redis {
  return new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
  });
}
