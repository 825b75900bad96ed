import { z } from 'zod';

export type RateLimitSubject = 'member' | 'address';

export interface RateLimitRule {
  subject: RateLimitSubject;
  /** Calls allowed per window. */
  limit: number;
  windowSeconds: number;
}

/** Rules by Mutation field name; a field without rules is never counted. */
export type RateLimitTable = ReadonlyMap<string, readonly RateLimitRule[]>;

const MINUTE = 60;
const HOUR = 3_600;
const rule = (subject: RateLimitSubject, limit: number, windowSeconds: number): RateLimitRule => ({ subject, limit, windowSeconds });

/**
 * Mutations that cost the shop or its members something (mail sent, passwords hashed, stock or coupons held,
 * payments), with limits far above what one honest member or one household's address needs. Per-address limits
 * are looser because many members can share one address (offices, mobile carriers' NAT). The subgraphs keep
 * their own finer rules (failed logins per account, claims per member per sale).
 */
export const DEFAULT_RATE_LIMITS: Record<string, RateLimitRule[]> = {
  signUp: [rule('address', 10, HOUR)],
  logIn: [rule('address', 60, 10 * MINUTE)],
  requestPasswordReset: [rule('address', 10, HOUR)],
  resetPassword: [rule('address', 20, HOUR)],
  verifyEmail: [rule('address', 30, HOUR)],
  resendVerificationEmail: [rule('member', 3, HOUR), rule('address', 20, HOUR)],
  changePassword: [rule('member', 10, HOUR)],
  checkout: [rule('member', 20, MINUTE), rule('address', 120, MINUTE)],
  claimTimeSale: [rule('member', 60, MINUTE), rule('address', 600, MINUTE)],
  claimCoupon: [rule('member', 30, MINUTE), rule('address', 300, MINUTE)],
  redeemCouponCode: [rule('member', 10, 10 * MINUTE), rule('address', 60, 10 * MINUTE)],
  chargePoints: [rule('member', 20, HOUR)],
  createStore: [rule('member', 5, HOUR)],
  createProduct: [rule('member', 120, HOUR), rule('address', 300, HOUR)],
  createTimeSale: [rule('member', 60, HOUR)],
  createCouponTemplate: [rule('member', 60, HOUR)],
  grantCoupons: [rule('member', 10, HOUR)],
  salesReportCsvLink: [rule('member', 60, HOUR)],
};

const UNIT_SECONDS: Record<string, number> = { s: 1, m: MINUTE, h: HOUR };

/**
 * `RATE_LIMITS`: empty for the defaults, `off` for none, or changes to the defaults, comma separated:
 * `<mutation field>:<member|address>=<calls>/<window>` with the window in s, m or h, e.g.
 * `logIn:address=20/10m,createProduct:member=0` (0 removes that limit).
 */
export function parseRateLimits(value: string): Map<string, RateLimitRule[]> {
  const table = new Map<string, RateLimitRule[]>();
  const trimmed = value.trim();
  if (trimmed === 'off') return table;
  for (const [field, rules] of Object.entries(DEFAULT_RATE_LIMITS)) table.set(field, rules.map((r) => ({ ...r })));
  for (const entry of trimmed.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^([_A-Za-z][_0-9A-Za-z]*):(member|address)=(\d+)(?:\/(\d+)([smh]))?$/.exec(entry);
    if (!match) throw new Error(`"${entry}": expected <mutation field>:<member|address>=<calls>/<window, e.g. 10m>, or "off"`);
    const [, field, subject, calls, amount, unit] = match as unknown as [string, string, RateLimitSubject, string, string?, string?];
    const others = (table.get(field) ?? []).filter((r) => r.subject !== subject);
    if (Number(calls) > 0) {
      if (!amount || !unit || Number(amount) < 1) throw new Error(`"${entry}": give the window too, e.g. ${field}:${subject}=${calls}/1m`);
      others.push(rule(subject, Number(calls), Number(amount) * UNIT_SECONDS[unit]!));
    }
    if (others.length) table.set(field, others);
    else table.delete(field);
  }
  return table;
}

/** The zod setting for RATE_LIMITS, naming the variable when an entry does not parse. */
export const rateLimitsSetting = z
  .string()
  .default('')
  .transform((value, ctx) => {
    try {
      return parseRateLimits(value) as RateLimitTable;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
