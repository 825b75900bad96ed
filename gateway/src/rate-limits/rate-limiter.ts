import { defineLuaCommands } from '@commerce/kit/http';
import type { Redis } from 'ioredis';

/** One counter to charge: its key, the calls allowed per window, the window, and how many calls this request makes. */
export interface RateLimitCharge {
  key: string;
  limit: number;
  windowMs: number;
  amount: number;
}

/**
 * Checks every counter first and charges them only if all have room, so a refused request costs its caller
 * nothing and one request's counters never disagree. Fixed windows that start with the first call. Returns 0,
 * or the milliseconds until the fullest refusing counter's window ends. Atomic in Redis: concurrent requests
 * through any number of gateway replicas can never be admitted past a limit.
 */
const CHARGE = `
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 * i - 2])
  local amount = tonumber(ARGV[3 * i])
  local used = tonumber(redis.call('GET', key) or '0')
  if used + amount > limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[3 * i - 1]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('INCRBY', key, tonumber(ARGV[3 * i]))
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, tonumber(ARGV[3 * i - 1])) end
end
return 0`;

interface ChargeCommands {
  gatewayRateLimitCharge(keyCount: number, ...args: (string | number)[]): Promise<number>;
}

/** Fixed-window counters in Redis, charged by one script call (EVALSHA) per limited request. */
export class RateLimiter {
  private readonly redis: Redis & ChargeCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.redis = defineLuaCommands<ChargeCommands>(redis, { gatewayRateLimitCharge: { lua: CHARGE } });
  }

  /** 0 when admitted (and charged), else the milliseconds to wait. */
  async charge(charges: RateLimitCharge[]): Promise<number> {
    const args: (string | number)[] = [];
    for (const charge of charges) args.push(charge.limit, charge.windowMs, charge.amount);
    return Number(await this.redis.gatewayRateLimitCharge(charges.length, ...charges.map((c) => this.prefix + c.key), ...args));
  }
}
