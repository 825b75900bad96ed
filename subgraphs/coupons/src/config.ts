import { parseEnv, port, type SubgraphConfig, subgraphEnvShape, url } from '@commerce/kit';
import { z } from 'zod';

const millis = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** The coupons subgraph's own settings, beside the ones every subgraph reads. */
export const couponsEnvShape = {
  /** The members subgraph, for bulk grants by email domain (internal `membersByEmailDomain`). */
  MEMBERS_URL: url('http://127.0.0.1:4001/graphql'),
  /** The catalog subgraph, to check that a seller owns the store a coupon template is scoped to. */
  CATALOG_URL: url('http://127.0.0.1:4002/graphql'),
  /** Members a grant job handles per transaction (also the page size asked of members). */
  COUPON_GRANT_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(500),
  /** How long a replica owns a running grant without renewing; after that another replica takes it over. */
  COUPON_GRANT_LEASE_MS: millis(30_000),
  /** How often idle replicas look for grant work that nobody woke them for. */
  COUPON_GRANT_POLL_MS: millis(1_000),
  /** Consecutive failed batches (e.g. members unreachable) before a grant stops as FAILED, awaiting resume. */
  COUPON_GRANT_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  /** How often AVAILABLE coupons past their expiry are marked EXPIRED. */
  COUPON_SWEEP_INTERVAL_MS: millis(60_000),
  /** How long the claim persister waits between empty polls of the claim streams. */
  COUPON_CLAIM_POLL_MS: millis(100),
  /** A claim left unacknowledged this long by a consumer (crashed replica) is taken over by another. */
  COUPON_CLAIM_STALE_MS: millis(30_000),
};

export type CouponsSettings = z.infer<z.ZodObject<typeof couponsEnvShape>>;
export type CouponsConfig = SubgraphConfig & CouponsSettings;

/** Completes a config with the coupons defaults: tests pass only what they change. */
export function couponsConfig(given: SubgraphConfig & Partial<CouponsSettings>): CouponsConfig {
  return { ...parseEnv(couponsEnvShape, {}), ...given };
}

export function readConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv({ ...subgraphEnvShape, ...couponsEnvShape, PORT: port(4005) }, env);
}
