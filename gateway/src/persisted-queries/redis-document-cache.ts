import type { Redis } from 'ioredis';

export interface RedisDocumentCacheOptions {
  /** Namespace under the connection's own key prefix, e.g. `gateway:`; Apollo adds `apq:` and the hash. */
  prefix: string;
  /** Documents recently used on this replica, kept in memory so a hit usually costs no Redis round trip. */
  localEntries?: number;
  /** Larger documents are not stored: their clients keep sending the full text, which always works. */
  maxDocumentBytes?: number;
}

/**
 * Apollo Server's persisted-query (APQ) cache in Redis, so a document registered through one gateway replica is
 * found by all of them. APQ keys are the document's sha256, so a key's value never changes: a small in-process
 * LRU in front of Redis is always right, and a busy replica answers most hits without leaving the process.
 * Implements Apollo's KeyValueCache (get, set with a ttl in seconds, delete).
 */
export class RedisDocumentCache {
  private readonly local = new Map<string, string>();
  private readonly localEntries: number;
  private readonly maxDocumentBytes: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisDocumentCacheOptions,
  ) {
    this.localEntries = options.localEntries ?? 1_000;
    this.maxDocumentBytes = options.maxDocumentBytes ?? 64 * 1024;
  }

  async get(key: string): Promise<string | undefined> {
    const cached = this.local.get(key);
    if (cached !== undefined) {
      this.remember(key, cached);
      return cached;
    }
    let stored: string | null;
    try {
      stored = await this.redis.get(this.options.prefix + key);
    } catch {
      // Redis unreachable: a miss. The client then sends the full text (APQ's fallback), which needs no Redis.
      return undefined;
    }
    if (stored === null) return undefined;
    this.remember(key, stored);
    return stored;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (Buffer.byteLength(value) > this.maxDocumentBytes) return;
    this.remember(key, value);
    const ttl = options?.ttl;
    if (ttl) await this.redis.set(this.options.prefix + key, value, 'EX', ttl);
    else await this.redis.set(this.options.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    this.local.delete(key);
    return (await this.redis.del(this.options.prefix + key)) > 0;
  }

  /** Most recently used last (a Map keeps insertion order); the oldest goes when the map is full. */
  private remember(key: string, value: string) {
    this.local.delete(key);
    this.local.set(key, value);
    if (this.local.size > this.localEntries) this.local.delete(this.local.keys().next().value!);
  }
}
