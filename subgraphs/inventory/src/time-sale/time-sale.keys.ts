import { isUuid, TIME_SALE_CHANNEL_PREFIX, uuidv7 } from '@commerce/kit';

/**
 * Every Redis key of one sale carries the hash tag `{saleId}`, so all of them live in one Redis Cluster
 * slot and one Lua script may touch them all. The order is the KEYS order every script expects.
 * (The deployment's key prefix goes in front; it must not contain `{`, or it would become the tag.)
 */
export function saleKeys(saleId: string): string[] {
  const tag = `ts:{${saleId}}`;
  return [`${tag}:sale`, `${tag}:members`, `${tag}:idem`, `${tag}:claims`, `${tag}:expiries`, `${tag}:events`];
}

/** The per-member attempt counter of a sale (same slot as the sale). */
export const rateLimitKey = (saleId: string, memberId: string) => `ts:{${saleId}}:rl:${memberId}`;

/** The token of the one rebuild of a sale from PostgreSQL under way (same slot as the sale). */
export const rebuildLockKey = (saleId: string) => `ts:{${saleId}}:rebuild`;

/** The consumer group that writes a sale's stream to PostgreSQL. */
export const STREAM_GROUP = 'pg-writer';

/** Unprefixed pub/sub channel of a sale's live counts (the pub/sub adds the deployment prefix on subscribe). */
export const timeSaleChannel = (saleId: string) => `${TIME_SALE_CHANNEL_PREFIX}${saleId}`;

/**
 * Claim ids name their sale (`<saleId>.<uuidv7>`): checkout knows only the claim id, and the sale's keys
 * must be derivable from it without a lookup that would live outside the sale's slot.
 */
export function newClaimId(saleId: string): string {
  return `${saleId}.${uuidv7()}`;
}

/** The sale of a claim id, or null when the id is not one of ours. */
export function saleIdOfClaim(claimId: string): string | null {
  const [saleId, own, ...rest] = claimId.split('.');
  if (rest.length > 0 || !saleId || !own || !isUuid(saleId) || !isUuid(own)) return null;
  return saleId.toLowerCase();
}
