import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';

interface Pending<V> {
  promise: Promise<V | undefined>;
  resolve: (value: V | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * A cache where concurrent misses on one key wait for the first caller's value instead of each computing it.
 * Apollo Server's parsed-document store and the gateway's query-plan store are read, computed on a miss and
 * written back with awaits in between, so a burst of a thousand identical new operations (a time-sale opening)
 * parsed, validated and planned the same operation up to a thousand times: profiles of such a burst showed the
 * gateway spending most of its CPU there. The first caller gets the miss; later ones wait until it stores the
 * value, or until `waitMs` passes (it failed, e.g. a document that does not validate) and then compute it
 * themselves.
 */
export class SingleFlightCache<V> implements KeyValueCache<V> {
  private readonly pending = new Map<string, Pending<V>>();

  constructor(
    private readonly inner: KeyValueCache<V> & { clear?: () => void },
    private readonly waitMs = 1_000,
  ) {}

  async get(key: string): Promise<V | undefined> {
    const value = await this.inner.get(key);
    if (value !== undefined) return value;
    const pending = this.pending.get(key);
    if (pending) return pending.promise;
    let resolve!: (value: V | undefined) => void;
    const promise = new Promise<V | undefined>((done) => (resolve = done));
    const timer = setTimeout(() => this.settle(key, undefined), this.waitMs);
    timer.unref();
    this.pending.set(key, { promise, resolve, timer });
    return undefined;
  }

  async set(key: string, value: V, options?: KeyValueCacheSetOptions): Promise<void> {
    await this.inner.set(key, value, options);
    this.settle(key, value);
  }

  async delete(key: string): Promise<boolean | void> {
    this.settle(key, undefined);
    return this.inner.delete(key);
  }

  /** Empties the cache (the gateway clears its plans when the supergraph changes). */
  clear(): void {
    for (const key of [...this.pending.keys()]) this.settle(key, undefined);
    this.inner.clear?.();
  }

  private settle(key: string, value: V | undefined) {
    const pending = this.pending.get(key);
    if (!pending) return;
    this.pending.delete(key);
    clearTimeout(pending.timer);
    pending.resolve(value);
  }
}

/**
 * Apollo Server's parsed-document store for our servers: identical new operations arriving together (a burst of
 * one new operation, or the gateway's fetches) are parsed and validated once. A document that fails to parse or
 * validate is never stored: waiters give up on it after 250 ms.
 */
export function singleFlightDocumentStore(): SingleFlightCache<DocumentNode> {
  return new SingleFlightCache(new InMemoryLRUCache<DocumentNode>(), 250);
}
