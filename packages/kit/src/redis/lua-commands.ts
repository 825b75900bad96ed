import type { Cluster, Redis } from 'ioredis';

/** A Lua script run as a command: its text, and how many of its first arguments are keys. */
export interface LuaCommand {
  lua: string;
  /** Omitted for a script whose number of keys varies: the caller then passes the count before the keys. */
  keys?: number;
}

/**
 * Defines Lua scripts as commands on a client and returns it typed with them (`Commands`, their signatures). Each
 * call sends the script's hash (EVALSHA), not its text, falling back to EVAL on NOSCRIPT (after a Redis restart or a
 * SCRIPT FLUSH), and the client's keyPrefix applies to the keys. A command already on the client is left as it is:
 * several stores may share one client.
 */
export function defineLuaCommands<Commands, Client extends Redis | Cluster = Redis>(redis: Client, commands: { [Name in keyof Commands & string]: LuaCommand }): Client & Commands {
  for (const [name, { lua, keys }] of Object.entries<LuaCommand>(commands)) {
    if (!(name in redis)) redis.defineCommand(name, keys === undefined ? { lua } : { numberOfKeys: keys, lua });
  }
  return redis as Client & Commands;
}
