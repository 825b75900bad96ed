import { ConfigError, parseEnv, port, type SubgraphConfig, subgraphEnvShape, url } from '@commerce/kit';

/** Settings only inventory reads from the environment, beside the ones every subgraph shares. */
export const inventoryEnvShape = {
  /** The catalog's endpoint for internal operations: inventory tells it when a variant goes in or out of stock. */
  CATALOG_URL: url('http://127.0.0.1:4002/graphql'),
};

export interface InventorySettings {
  CATALOG_URL: string;
  /** How often expired stock reservations are looked for; tests shorten it. */
  RESERVATION_SWEEP_MS?: number;
  /** Delay before the first retry of an outbox delivery; later retries double it. Tests shorten it. */
  OUTBOX_RETRY_BASE_MS?: number;
  /** How often the outbox relay looks for due messages when nothing woke it. */
  OUTBOX_POLL_MS?: number;
  TIME_SALE_HOLD_SECONDS?: number;
  TIME_SALE_CLAIM_RATE_LIMIT?: number;
  TIME_SALE_CLAIM_RATE_WINDOW_MS?: number;
  TIME_SALE_STREAM_POLL_MS?: number;
  TIME_SALE_SWEEP_MS?: number;
  TIME_SALE_PENDING_IDLE_MS?: number;
  TIME_SALE_RECONCILE_MS?: number;
}

export type InventoryConfig = SubgraphConfig & InventorySettings;

export const INVENTORY_DEFAULTS = {
  CATALOG_URL: 'http://127.0.0.1:4002/graphql',
  RESERVATION_SWEEP_MS: 1_000,
  TIME_SALE_HOLD_SECONDS: 600,
  TIME_SALE_CLAIM_RATE_LIMIT: 10,
  TIME_SALE_CLAIM_RATE_WINDOW_MS: 1_000,
  TIME_SALE_STREAM_POLL_MS: 100,
  TIME_SALE_SWEEP_MS: 1_000,
  TIME_SALE_PENDING_IDLE_MS: 30_000,
  TIME_SALE_RECONCILE_MS: 60_000,
} satisfies InventorySettings;

/** A settled sale's Redis state lingers this long (late readers), then expires. */
export const TIME_SALE_STATE_TTL_MS = 24 * 60 * 60 * 1000;

/** The time-sale engine's integer settings: name, smallest allowed value. Defaults in INVENTORY_DEFAULTS. */
const TIME_SALE_SETTINGS = {
  /** How long a time-sale claim holds its units before they go back to the sale. */
  TIME_SALE_HOLD_SECONDS: 1,
  /** Claim attempts one member may make per sale per window (idempotent replays do not count); 0 turns it off. */
  TIME_SALE_CLAIM_RATE_LIMIT: 0,
  TIME_SALE_CLAIM_RATE_WINDOW_MS: 1,
  /** How often the stream consumer looks for new claim events to write to PostgreSQL. */
  TIME_SALE_STREAM_POLL_MS: 1,
  /** How often held claims are expired, lost sale states rebuilt and ended sales settled. */
  TIME_SALE_SWEEP_MS: 1,
  /** Stream entries another consumer left unacknowledged this long are taken over (it probably died). */
  TIME_SALE_PENDING_IDLE_MS: 1,
  /** How often Redis and PostgreSQL are compared for every unsettled sale (drift is logged). */
  TIME_SALE_RECONCILE_MS: 1,
} as const;

function readTimeSaleSettings(env: Record<string, string | undefined>) {
  const problems: string[] = [];
  const settings = Object.fromEntries(
    Object.entries(TIME_SALE_SETTINGS).map(([name, min]) => {
      const raw = env[name];
      const value = raw === undefined || raw === '' ? INVENTORY_DEFAULTS[name as keyof typeof TIME_SALE_SETTINGS] : Number(raw);
      if (!Number.isSafeInteger(value) || value < min) problems.push(`  ${name}: expected an integer >= ${min}`);
      return [name, value];
    }),
  ) as { [Name in keyof typeof TIME_SALE_SETTINGS]: number };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return settings;
}

export function readConfig(env: Record<string, string | undefined> = process.env) {
  return { ...parseEnv({ ...subgraphEnvShape, ...inventoryEnvShape, PORT: port(4003) }, env), ...readTimeSaleSettings(env) };
}

/** A setting, with its default when the caller left it out (tests pass partial configs). */
export function setting<Key extends keyof typeof INVENTORY_DEFAULTS>(config: InventoryConfig, key: Key): (typeof INVENTORY_DEFAULTS)[Key] {
  return (config[key] ?? INVENTORY_DEFAULTS[key]) as (typeof INVENTORY_DEFAULTS)[Key];
}
