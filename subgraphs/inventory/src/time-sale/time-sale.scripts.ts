import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

const source = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

/** The scripts of the claim engine; each is the shared prelude (`common.lua`) plus its own body. */
const SCRIPTS = {
  // Six sale keys, then one attempt counter per claim of the batch: the caller passes the number of keys first.
  tsClaim: { file: 'claim', keys: undefined },
  tsRelease: { file: 'release', keys: 6 },
  tsExpire: { file: 'expire', keys: 6 },
  tsConsume: { file: 'consume', keys: 6 },
  tsLoad: { file: 'load', keys: 7 },
  tsLoadClaims: { file: 'load-claims', keys: 7 },
  tsUnlockRebuild: { file: 'unlock-rebuild', keys: 1 },
  tsCancel: { file: 'cancel', keys: 6 },
} as const;

export type TimeSaleScriptName = keyof typeof SCRIPTS;

/** A Redis client (single node or Cluster) with the time-sale scripts defined on it. */
export type TimeSaleRedis = (Redis | Cluster) & {
  [Name in TimeSaleScriptName]: (...keysThenArgs: (string | number)[]) => Promise<any>;
};

let compiled: Record<string, string> | undefined;

/**
 * Defines the scripts on `redis` with `defineCommand`: ioredis sends EVALSHA and falls back to EVAL on
 * NOSCRIPT (e.g. after a Redis restart), and applies its keyPrefix to the KEYS.
 */
export function defineTimeSaleScripts(redis: Redis | Cluster): TimeSaleRedis {
  compiled ??= Object.fromEntries(Object.entries(SCRIPTS).map(([name, { file }]) => [name, `${source('common')}\n${source(file)}`]));
  for (const [name, { keys }] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { ...(keys === undefined ? {} : { numberOfKeys: keys }), lua: compiled[name]! });
  }
  return redis as TimeSaleRedis;
}
