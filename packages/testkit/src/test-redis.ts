import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const testRedisUrl = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface TestRedisNamespace {
  url: string;
  keyPrefix: string;
  /** Deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

/** A Redis key prefix of its own for one test file, so files share one server without seeing each other. */
export function createTestRedisNamespace(label = 'test'): TestRedisNamespace {
  const keyPrefix = `test:${label}:${randomBytes(4).toString('hex')}:`;
  const url = testRedisUrl();
  return {
    url,
    keyPrefix,
    async cleanup() {
      const redis = new Redis(url);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
