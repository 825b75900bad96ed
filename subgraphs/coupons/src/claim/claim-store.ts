import { defineLuaCommands } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { IssuedCouponSource } from '../issued-coupon/issued-coupon-status.js';

/**
 * Redis layout (every key under the deployment's REDIS_KEY_PREFIX). The keys of one template share the hash
 * tag `{templateId}`, so the claim script runs unchanged on Redis Cluster:
 *
 * - `cpn:{t}:state`   hash  remaining (-1 = no total limit), perMember, from, to (epoch ms; '' = never ends)
 * - `cpn:{t}:members` hash  memberId → how many coupons of t the member took by claim or code
 * - `cpn:{t}:idem`    hash  "memberId:idempotencyKey" → issued coupon id (a repeat returns the first answer)
 * - `cpn:{t}:claims`  stream of issued coupons, read by the consumer group `coupons-persist`, which writes
 *                     them to PostgreSQL and then acknowledges and deletes them
 * - `cpn:streams`     set of template ids whose claim streams the persister reads (not in a script)
 *
 * The state is rebuilt from PostgreSQL whenever it is missing (first claim, Redis restart, expiry after the
 * template ends), before any claim of that template is decided.
 */
export const CLAIM_GROUP = 'coupons-persist';
export const STREAMS_KEY = 'cpn:streams';
export const claimKeys = (templateId: string) => {
  const tag = `cpn:{${templateId}}`;
  return { state: `${tag}:state`, members: `${tag}:members`, idem: `${tag}:idem`, stream: `${tag}:claims` };
};
const keyList = (templateId: string) => {
  const keys = claimKeys(templateId);
  return [keys.state, keys.members, keys.idem, keys.stream];
};

// Atomically: state loaded? idempotency key seen (then the first answer)? window open? member under their
// limit? any left? Then take one, count it for the member, remember the key and XADD the coupon.
const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOT_LOADED'} end
local idem = false
if ARGV[2] ~= '' then
  idem = ARGV[1] .. ':' .. ARGV[2]
  local seen = redis.call('HGET', KEYS[3], idem)
  if seen then return {'REPEAT', seen} end
end
local s = redis.call('HMGET', KEYS[1], 'remaining', 'perMember', 'from', 'to')
local now = tonumber(ARGV[4])
if now < tonumber(s[3]) then return {'NOT_STARTED'} end
if s[4] ~= '' and now >= tonumber(s[4]) then return {'EXPIRED'} end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held >= tonumber(s[2]) then return {'ALREADY_CLAIMED'} end
local remaining = tonumber(s[1])
if remaining == 0 then return {'SOLD_OUT'} end
if remaining > 0 then redis.call('HINCRBY', KEYS[1], 'remaining', -1) end
local seq = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('XADD', KEYS[4], '*', 'id', ARGV[3], 'member', ARGV[1], 'seq', seq, 'source', ARGV[5], 'at', ARGV[4])
if idem then redis.call('HSET', KEYS[3], idem, ARGV[3]) end
return {'ISSUED', ARGV[3]}
`;

// Writes the state rebuilt from PostgreSQL, unless another replica did first. ARGV: remaining, perMember,
// from, to, expireAt ('' = keep), then memberId/count pairs.
const LOAD_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'remaining', ARGV[1], 'perMember', ARGV[2], 'from', ARGV[3], 'to', ARGV[4])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
if ARGV[5] ~= '' then
  for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], ARGV[5]) end
end
return 1
`;

export type ClaimAnswer =
  | { outcome: 'ISSUED' | 'REPEAT'; couponId: string }
  | { outcome: 'NOT_STARTED' | 'EXPIRED' | 'ALREADY_CLAIMED' | 'SOLD_OUT' };

export interface ClaimTemplate {
  id: string;
  totalLimit: number | null;
  perMemberLimit: number;
  validFrom: Date;
  validTo: Date | null;
}

interface ClaimCommands {
  couponClaim(...args: (string | number)[]): Promise<string[]>;
  couponLoad(...args: (string | number)[]): Promise<number>;
}

// Counters stay a day past the template's end so late retries still see EXPIRED without reloading.
const KEEP_AFTER_END_MS = 24 * 60 * 60 * 1000;

/** The Redis side of first-come claims and code redemptions. */
export class ClaimStore {
  private readonly redis: Redis & ClaimCommands;

  constructor(redis: Redis) {
    this.redis = defineLuaCommands<ClaimCommands>(redis, { couponClaim: { keys: 4, lua: CLAIM_SCRIPT }, couponLoad: { keys: 4, lua: LOAD_SCRIPT } });
  }

  /** Takes one coupon of `template` for `memberId` if the rules allow; `couponId` names it if so. */
  async claim(
    em: EntityManager,
    template: ClaimTemplate,
    memberId: string,
    idempotencyKey: string,
    couponId: string,
    source: IssuedCouponSource.CLAIM | IssuedCouponSource.CODE,
    now = Date.now(),
  ): Promise<ClaimAnswer> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [outcome, id] = await this.redis.couponClaim(...keyList(template.id), memberId, idempotencyKey, couponId, now, source);
      if (outcome !== 'NOT_LOADED') {
        return outcome === 'ISSUED' || outcome === 'REPEAT' ? { outcome, couponId: id! } : { outcome: outcome as never };
      }
      await this.load(em, template);
    }
    throw new Error(`claim state of coupon template ${template.id} would not load`);
  }

  /**
   * Rebuilds a template's counters from PostgreSQL. Claims still in the stream are not in PostgreSQL yet, so
   * the stream is drained into PostgreSQL by the caller's persister before counters are rebuilt after a
   * partial loss; a lost Redis loses its stream too, and PostgreSQL then is the whole truth.
   */
  async load(em: EntityManager, template: ClaimTemplate): Promise<void> {
    const keys = claimKeys(template.id);
    // The group exists before the first XADD, so the persister sees every claim ever added.
    await this.redis.xgroup('CREATE', keys.stream, CLAIM_GROUP, '0', 'MKSTREAM').catch((error: Error) => {
      if (!/BUSYGROUP/.test(error.message)) throw error;
    });
    await this.redis.sadd(STREAMS_KEY, template.id);
    const rows = await em.execute<{ member_id: string; taken: number; issued: number }[]>(
      `select "member_id", max("member_seq")::int as "taken", count(*)::int as "issued" from "coupons"."issued_coupon"
       where "template_id" = ? and "source" <> 'GRANT' group by "member_id"`,
      [template.id],
    );
    const issued = rows.reduce((sum, row) => sum + row.issued, 0);
    const remaining = template.totalLimit === null ? -1 : Math.max(0, template.totalLimit - issued);
    const to = template.validTo ? template.validTo.getTime() : '';
    // Never in the past: keys that vanish as they are written would make every claim reload them.
    const expireAt = template.validTo ? Math.max(template.validTo.getTime() + KEEP_AFTER_END_MS, Date.now() + 60_000) : '';
    await this.redis.couponLoad(
      ...keyList(template.id),
      remaining,
      template.perMemberLimit,
      template.validFrom.getTime(),
      to,
      expireAt,
      ...rows.flatMap((row) => [row.member_id, row.taken]),
    );
  }

  /** The counters as Redis holds them (for tests and reconciliation). */
  async snapshot(templateId: string): Promise<{ remaining: number; members: Record<string, number> }> {
    const keys = claimKeys(templateId);
    const [remaining, members] = await Promise.all([this.redis.hget(keys.state, 'remaining'), this.redis.hgetall(keys.members)]);
    return {
      remaining: Number(remaining),
      members: Object.fromEntries(Object.entries(members).map(([member, count]) => [member, Number(count)])),
    };
  }
}
