import { createHash } from 'node:crypto';
import { defineLuaCommands } from '@commerce/kit';
import type { Redis } from 'ioredis';

export interface LoginThrottleOptions {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

/**
 * Counts an attempt against the account and the address before the password is checked, atomically, so
 * parallel guesses cannot all slip past a "not locked yet" check: at most `max` attempts per window reach
 * the password check. The window starts with the first attempt. Returns the seconds left when locked, else 0.
 */
const ATTEMPT = `
local account = redis.call('INCR', KEYS[1])
if account == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local address = redis.call('INCR', KEYS[2])
if address == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
local wait = 0
if account > tonumber(ARGV[2]) then wait = math.max(wait, redis.call('TTL', KEYS[1])) end
if address > tonumber(ARGV[3]) then wait = math.max(wait, redis.call('TTL', KEYS[2])) end
if (account > tonumber(ARGV[2]) or address > tonumber(ARGV[3])) and wait < 1 then wait = 1 end
return wait`;

/** Forgives the account and takes the attempt back from the address, never leaving a counter without expiry. */
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('DECR', KEYS[2]) end
return 1`;

interface ThrottleCommands {
  loginAttempt(...keysThenArgs: (string | number)[]): Promise<number>;
  loginSucceeded(...keys: string[]): Promise<number>;
}

/**
 * Brute-force protection with fixed-window counters in Redis, shared by every replica: too many failed
 * logins for one account (slow guessing from many addresses) or from one address (spraying many accounts)
 * lock that account or address until the window ends. A successful login takes its attempt back.
 * Emails are hashed so key names hold no personal data.
 */
export class LoginThrottle {
  private readonly redis: Redis & ThrottleCommands;

  constructor(
    redis: Redis,
    private readonly options: LoginThrottleOptions,
  ) {
    this.redis = defineLuaCommands<ThrottleCommands>(redis, { loginAttempt: { keys: 2, lua: ATTEMPT }, loginSucceeded: { keys: 2, lua: SUCCEEDED } });
  }

  private keys(email: string, address: string) {
    const account = createHash('sha256').update(email).digest('base64url');
    return { account: `login-attempts:account:${account}`, address: `login-attempts:address:${address}` };
  }

  /** Records an attempt; resolves with the seconds the caller must wait (locked out), or 0 to go ahead. */
  async attempt(email: string, address: string): Promise<number> {
    const keys = this.keys(email, address);
    const { windowSeconds, maxFailuresPerAccount, maxFailuresPerAddress } = this.options;
    const wait = await this.redis.loginAttempt(keys.account, keys.address, windowSeconds, maxFailuresPerAccount, maxFailuresPerAddress);
    return Number(wait);
  }

  /** The password was right: the account's failures are forgiven and this attempt no longer counts for the address. */
  async succeeded(email: string, address: string): Promise<void> {
    const keys = this.keys(email, address);
    await this.redis.loginSucceeded(keys.account, keys.address);
  }

  /** A password reset proves control of the mailbox: the account starts afresh. */
  async clearAccount(email: string): Promise<void> {
    await this.redis.del(this.keys(email, '').account);
  }
}
