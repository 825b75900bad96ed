import type { Cluster, Redis } from 'ioredis';

/** A Lua script run as a command: its text, and how many of its first arguments are keys. */
export interface LuaCommand {
  lua: string;
  /** Omitted for a script whose number of keys varies: the caller then passes the count before the keys. */
  keys?: number;
}

/** The scripts this helper defined on each client, by command name. */
const defined = new WeakMap<Redis | Cluster, Map<string, string>>();

/**
 * Defines Lua scripts as commands on a client and returns it typed with them (`Commands`, their signatures). Each
 * call sends the script's hash (EVALSHA), not its text, falling back to EVAL on NOSCRIPT (after a Redis restart or a
 * SCRIPT FLUSH), and the client's keyPrefix applies to the keys.
 *
 * Several stores may share one client, each defining its commands: the same script under the same name is defined
 * once. A name that another script took, or that the client already has (an ioredis method, a Redis command), throws:
 * the caller would otherwise run the other script, or the command, where the types promise theirs.
 */
export function defineLuaCommands<Commands, Client extends Redis | Cluster = Redis>(redis: Client, commands: { [Name in keyof Commands & string]: LuaCommand }): Client & Commands {
  let ours = defined.get(redis);
  if (!ours) defined.set(redis, (ours = new Map()));
  for (const [name, { lua, keys }] of Object.entries<LuaCommand>(commands)) {
    const before = ours.get(name);
    if (before === lua) continue;
    if (before !== undefined) throw new Error(`Redis command ${name} is already defined on this client with another script`);
    if (name in redis) throw new Error(`Redis command ${name} would hide the client's own ${name}`);
    redis.defineCommand(name, keys === undefined ? { lua } : { numberOfKeys: keys, lua });
    ours.set(name, lua);
  }
  return redis as Client & Commands;
}
