import { parseEnv, port, type SubgraphConfig, subgraphEnvShape, url } from '@commerce/kit';

/** Where the subgraphs that catalog tells about new stores and variants listen (internal operations). */
export const catalogEnvShape = {
  MEMBERS_URL: url('http://127.0.0.1:4001/graphql'),
  INVENTORY_URL: url('http://127.0.0.1:4003/graphql'),
};

export interface CatalogSettings {
  MEMBERS_URL: string;
  INVENTORY_URL: string;
  /** Delay before the first retry of an outbox delivery; later retries double it. Tests shorten it. */
  OUTBOX_RETRY_BASE_MS?: number;
  /** How often the outbox relay looks for due messages when nothing woke it. */
  OUTBOX_POLL_MS?: number;
}

export type CatalogConfig = SubgraphConfig & CatalogSettings;

export const CATALOG_DEFAULTS: CatalogSettings = {
  MEMBERS_URL: 'http://127.0.0.1:4001/graphql',
  INVENTORY_URL: 'http://127.0.0.1:4003/graphql',
};

export function readConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv({ ...subgraphEnvShape, ...catalogEnvShape, PORT: port(4002) }, env);
}
