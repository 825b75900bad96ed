import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { describe, expect, it } from 'vitest';
import { SingleFlightCache } from './single-flight-cache.js';

/** Reads like Apollo's pipelines do: get, and on a miss compute (synchronously) and set. */
async function readThrough(cache: SingleFlightCache<string>, key: string, computed: string[], fail = false) {
  const cached = await cache.get(key);
  if (cached !== undefined) return cached;
  computed.push(key);
  if (fail) throw new Error('does not validate');
  const value = `value of ${key}`;
  await cache.set(key, value);
  return value;
}

describe('SingleFlightCache', () => {
  it('computes a value once for 500 concurrent misses on one key, and once per key', async () => {
    const cache = new SingleFlightCache<string>(new InMemoryLRUCache());
    const computed: string[] = [];
    const keys = Array.from({ length: 500 }, (_, i) => (i % 5 === 0 ? 'other' : 'hot'));
    const values = await Promise.all(keys.map((key) => readThrough(cache, key, computed)));
    expect(computed.sort()).toEqual(['hot', 'other']);
    expect(values.filter((value) => value === 'value of hot')).toHaveLength(400);
    expect(values.filter((value) => value === 'value of other')).toHaveLength(100);
  });

  it('lets waiters compute for themselves when the first caller never stores a value', async () => {
    const cache = new SingleFlightCache<string>(new InMemoryLRUCache(), 50);
    const computed: string[] = [];
    const first = readThrough(cache, 'bad', computed, true);
    const waiter = readThrough(cache, 'bad', computed);
    await expect(first).rejects.toThrow('does not validate');
    expect(await waiter).toBe('value of bad');
    expect(computed).toEqual(['bad', 'bad']);
  });

  it('clear() empties the cache and releases waiters', async () => {
    const cache = new SingleFlightCache<string>(new InMemoryLRUCache(), 60_000);
    await cache.set('kept', 'v');
    expect(await cache.get('missing')).toBeUndefined();
    const waiter = cache.get('missing');
    cache.clear();
    expect(await waiter).toBeUndefined();
    expect(await cache.get('kept')).toBeUndefined();
  });
});
