/**
 * How the inventory subgraph tells gateways that a time-sale sold out, so a gateway can answer the buyers who keep
 * pressing "buy" SOLD_OUT itself instead of sending each of them to inventory and Redis. In a burst of ten thousand
 * buyers for a thousand units, nine in ten claims come after the last unit went.
 *
 * In the same script step as the claim that takes its last unit, inventory publishes on SOLD_OUT_CHANNEL the sale,
 * its status and end, Redis's clock, and the replay key (member and idempotency key) of every claim it holds in any
 * status (`replays`, about 75 bytes a claim with UUID keys): a retry of one of those must still answer with its
 * claim, so a gateway sends it on; any other claim of the same member is as sold out as anyone's. Any later
 * message on the sale's own count channel (TIME_SALE_CHANNEL_PREFIX + id) that shows units again (a claim expired or
 * was given back, a rebuild) or another status (the sale was cancelled) ends it, as does the end of the sale's window
 * or a dropped subscription. Both channels come from one Redis node (a sale's keys share a hash tag), so a gateway
 * reads them in the order they were published.
 *
 * A sale that sells out holding more than MAX_ANNOUNCED_CLAIMS claims (in any status) is not announced: the message
 * and the script's time to build it would be too large to be worth it.
 */

/** Unprefixed, as all channels: the deployment's key prefix goes in front (ioredis prefixes keys only). */
export const SOLD_OUT_CHANNEL = 'inventory:time-sale-sold-out';

/** A sale's count channel is this followed by the sale's id (every claim, release, expiry and cancellation). */
export const TIME_SALE_CHANNEL_PREFIX = 'inventory:time-sale:';

export const MAX_ANNOUNCED_CLAIMS = 10_000;

/** The most units one claim may ask for. */
export const MAX_CLAIM_QUANTITY = 100;

/** The longest idempotency key a claim may carry. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 100;

/** What a sold-out sale answers a claim (its `SoldOut` result), as the inventory subgraph words it. */
export const SOLD_OUT_MESSAGE = 'The sale is sold out.';

/** A claim's replay key, as the claim script stores it: the same member and key answer with the first claim. */
export const replayKey = (memberId: string, idempotencyKey: string) => `${memberId}:${idempotencyKey}`;

export interface SoldOutAnnouncement {
  saleId: string;
  /** The sale's status when it sold out; a count message with another status ends the announcement. */
  status: string;
  /** When the sale's window closes (ms, Redis's clock): claims after it answer ENDED, which inventory decides. */
  endsAt: number;
  /** Redis's clock when it sold out (ms): how far a gateway's clock is from the one endsAt is read on. */
  at: number;
  /** replayKey of every claim the sale holds, in any status. */
  replays: string[];
}

export function parseSoldOutAnnouncement(message: string): SoldOutAnnouncement | null {
  try {
    const parsed = JSON.parse(message) as Partial<SoldOutAnnouncement>;
    const { saleId, status, endsAt, at, replays } = parsed;
    if (typeof saleId !== 'string' || typeof status !== 'string' || typeof endsAt !== 'number' || typeof at !== 'number' || !Array.isArray(replays)) {
      return null;
    }
    return { saleId, status, endsAt, at, replays: replays.filter((replay): replay is string => typeof replay === 'string') };
  } catch {
    return null;
  }
}

/** The part of a sale's count message that can end an announcement: its units left and status; null if unreadable. */
export function parseSaleCount(message: string): { remaining: number; status: string } | null {
  try {
    const parsed = JSON.parse(message) as { remaining?: unknown; status?: unknown };
    if (typeof parsed.remaining !== 'number' || typeof parsed.status !== 'string') return null;
    return { remaining: parsed.remaining, status: parsed.status };
  } catch {
    return null;
  }
}
