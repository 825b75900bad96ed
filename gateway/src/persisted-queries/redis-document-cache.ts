import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

export interface RedisDocumentCacheOptions {
  /** Namespace under the connection's own key prefix, e.g. `gateway:`; Apollo adds `apq:` and the hash. */
  prefix: string;
}

/** Documents recently used on this replica, kept in memory so a hit usually costs no Redis round trip. */
const LOCAL_ENTRIES = 1_000;
/** Larger documents are not stored: their clients keep sending the full text, which always works. */
const MAX_DOCUMENT_BYTES = 64 * 1024;

/**
 * Apollo Server's persisted-query (APQ) cache in Redis, so a document registered through one gateway replica is
 * found by all of them. APQ keys are the document's sha256, so a key's value never changes: a small in-process
 * LRU in front of Redis is always right, and a busy replica answers most hits without leaving the process.
 * Implements Apollo's KeyValueCache (get, set with a ttl in seconds, delete).
 */
export class RedisDocumentCache {
  private readonly local = new LRUCache<string, string>({ max: LOCAL_ENTRIES });

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisDocumentCacheOptions,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const cached = this.local.get(key);
    if (cached !== undefined) return cached;
    let stored: string | null;
    try {
      stored = await this.redis.get(this.options.prefix + key);
    } catch {
      // Redis unreachable: a miss. The client then sends the full text (APQ's fallback), which needs no Redis.
      return undefined;
    }
    if (stored === null) return undefined;
    this.local.set(key, stored);
    return stored;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (Buffer.byteLength(value) > MAX_DOCUMENT_BYTES) return;
    this.local.set(key, value);
    const ttl = options?.ttl;
    if (ttl) await this.redis.set(this.options.prefix + key, value, 'EX', ttl);
    else await this.redis.set(this.options.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    this.local.delete(key);
    return (await this.redis.del(this.options.prefix + key)) > 0;
  }
}
