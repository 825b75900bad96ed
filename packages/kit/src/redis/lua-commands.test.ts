import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { defineLuaCommands } from './lua-commands.js';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const keyPrefix = `test:lua-commands:${randomBytes(4).toString('hex')}:`;
const redis = new Redis(url, { keyPrefix });
const plain = new Redis(url);
afterAll(async () => {
  const keys = await plain.keys(`${keyPrefix}*`);
  if (keys.length > 0) await plain.del(...keys);
  redis.disconnect();
  plain.disconnect();
});

/** Appends ARGV[1] to KEYS[1] and returns the result. */
const APPEND = `return redis.call('APPEND', KEYS[1], ARGV[1])`;
/** Sets every key given (their count passed by the caller) to ARGV[1]. */
const SET_ALL = `for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1]) end return #KEYS`;

interface Commands {
  luaAppend(key: string, value: string): Promise<number>;
  luaSetAll(keyCount: number, ...keysThenValue: string[]): Promise<number>;
}

describe('defineLuaCommands', () => {
  it('runs the scripts under the client key prefix, with a fixed or a caller-given number of keys', async () => {
    const client = defineLuaCommands<Commands>(redis, { luaAppend: { keys: 1, lua: APPEND }, luaSetAll: { lua: SET_ALL } });
    expect(client).toBe(redis);
    expect(await client.luaAppend('a', 'xy')).toBe(2);
    expect(await client.luaSetAll(2, 'b', 'c', 'v')).toBe(2);
    expect(await plain.mget(`${keyPrefix}a`, `${keyPrefix}b`, `${keyPrefix}c`)).toEqual(['xy', 'v', 'v']);
  });

  it('defines a script once for the stores sharing a client, and refuses a name taken by another script or by the client', async () => {
    const client = defineLuaCommands<Commands>(redis, { luaAppend: { keys: 1, lua: APPEND }, luaSetAll: { lua: SET_ALL } });
    expect(await client.luaAppend('d', 'z')).toBe(1);
    // A second store on the same client with the same script.
    const again = defineLuaCommands<Pick<Commands, 'luaAppend'>>(redis, { luaAppend: { keys: 1, lua: APPEND } });
    expect(await again.luaAppend('d', 'z')).toBe(2);
    expect(() => defineLuaCommands<Pick<Commands, 'luaAppend'>>(redis, { luaAppend: { keys: 1, lua: 'return -1' } })).toThrow(/already defined/);
    expect(() => defineLuaCommands<{ get(): Promise<number> }>(redis, { get: { keys: 0, lua: 'return -1' } })).toThrow(/hide the client's own get/);
    expect(await plain.get(`${keyPrefix}d`)).toBe('zz');
  });
});
