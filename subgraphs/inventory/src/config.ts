import { parseEnv, port, type SubgraphConfig, subgraphEnvShape, url } from '@commerce/kit';

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
}

export type InventoryConfig = SubgraphConfig & InventorySettings;

export const INVENTORY_DEFAULTS: InventorySettings = {
  CATALOG_URL: 'http://127.0.0.1:4002/graphql',
  RESERVATION_SWEEP_MS: 1_000,
};

export function readConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv({ ...subgraphEnvShape, ...inventoryEnvShape, PORT: port(4003) }, env);
}
