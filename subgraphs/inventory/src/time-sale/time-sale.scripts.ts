import { readFileSync } from 'node:fs';
import { defineLuaCommands, type LuaCommand } from '@commerce/kit';
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

type TimeSaleCommands = { [Name in TimeSaleScriptName]: (...keysThenArgs: (string | number)[]) => Promise<any> };

/** A Redis client (single node or Cluster) with the time-sale scripts defined on it. */
export type TimeSaleRedis = (Redis | Cluster) & TimeSaleCommands;

let compiled: Record<TimeSaleScriptName, LuaCommand> | undefined;

/** Defines the scripts on `redis` as commands (see defineLuaCommands). */
export function defineTimeSaleScripts(redis: Redis | Cluster): TimeSaleRedis {
  compiled ??= Object.fromEntries(
    Object.entries(SCRIPTS).map(([name, { file, keys }]) => [name, { lua: `${source('common')}\n${source(file)}`, ...(keys === undefined ? {} : { keys }) }]),
  ) as Record<TimeSaleScriptName, LuaCommand>;
  return defineLuaCommands<TimeSaleCommands, Redis | Cluster>(redis, compiled);
}
