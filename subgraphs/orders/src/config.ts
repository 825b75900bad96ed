import { ConfigError, parseEnv, port, type SubgraphConfig, subgraphEnvShape, url } from '@commerce/kit';
import { z } from 'zod';

const SAGA_STEP_NAMES = ['RESERVE_STOCK', 'RESERVE_COUPON', 'RESERVE_POINTS', 'AUTHORIZE_PAYMENT', 'CONFIRM'] as const;

/** The orders subgraph's own settings, beside the ones every subgraph reads. */
export const ordersEnvShape = {
  /** Internal operations of the other subgraphs, called directly (not through the gateway) as service "orders". */
  MEMBERS_URL: url('http://127.0.0.1:4001/graphql'),
  CATALOG_URL: url('http://127.0.0.1:4002/graphql'),
  INVENTORY_URL: url('http://127.0.0.1:4003/graphql'),
  COUPONS_URL: url('http://127.0.0.1:4005/graphql'),
  /** Where this subgraph's own HTTP routes are reachable from browsers (signed CSV download links). */
  ORDERS_PUBLIC_URL: url('http://127.0.0.1:4004'),
  CART_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CART_MAX_LINES: z.coerce.number().int().min(1).max(200).default(50),
  /** How long inventory holds the units of a checkout that has not finished (its own expiry sweeper gives them back). */
  STOCK_HOLD_SECONDS: z.coerce.number().int().min(10).default(900),
  /** Simulated payment provider: latency of each call and share of authorizations declined (0..1). */
  PAYMENT_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  PAYMENT_DECLINE_RATE: z.coerce.number().min(0).max(1).default(0),
  /** A running saga renews its lease at each step; a saga whose lease ran out belongs to recovery. */
  SAGA_LEASE_MS: z.coerce.number().int().min(100).default(30_000),
  SAGA_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(50).default(10_000),
  /**
   * Test-only fault injection: `<STEP>` or `<STEP>:fail` fails right after the step's remote effect;
   * `<STEP>:crash` stops the saga dead there as if the process had died. Refused in production.
   */
  SAGA_FAULT: z.string().regex(new RegExp(`^(${SAGA_STEP_NAMES.join('|')})(:(fail|crash))?$`)).optional(),
  /** Local time of the daily settlement run, HH:MM, in SETTLEMENT_UTC_OFFSET_MINUTES (540 = KST). */
  SETTLEMENT_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('04:00'),
  SETTLEMENT_UTC_OFFSET_MINUTES: z.coerce.number().int().min(-720).max(840).default(540),
  SETTLEMENT_ENABLED: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
  /** Platform fee in basis points of net sales (1000 = 10%). */
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(1_000),
  /** Life of a signed CSV download link. */
  REPORT_LINK_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** Days after delivery during which the buyer may ask for a refund. */
  REFUND_WINDOW_DAYS: z.coerce.number().int().min(0).default(14),
};

export type OrdersSettings = z.infer<z.ZodObject<typeof ordersEnvShape>> & {
  /** How often the outbox relay looks for due messages; tests shorten it. */
  OUTBOX_POLL_MS?: number;
};
export type OrdersConfig = SubgraphConfig & OrdersSettings;

/**
 * Completes a config with the orders defaults: tests (and the gateway's harness) pass only what they change.
 * Defaults are parsed from an empty environment, so they live in one place.
 */
export function ordersConfig(given: SubgraphConfig & Partial<OrdersSettings>): OrdersConfig {
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const config = { ...parseEnv(ordersEnvShape, {}), ...defined } as OrdersConfig;
  if (config.NODE_ENV === 'production' && config.SAGA_FAULT) {
    throw new ConfigError('Invalid configuration:\n  SAGA_FAULT: fault injection is for tests only.');
  }
  return config;
}

export function readConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseEnv({ ...subgraphEnvShape, ...ordersEnvShape, PORT: port(4004) }, env);
  return { ...ordersConfig(parsed), PORT: parsed.PORT, HOST: parsed.HOST };
}
