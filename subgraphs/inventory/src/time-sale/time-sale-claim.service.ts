import { MAX_ANNOUNCED_CLAIMS } from '@commerce/kit';
import type { Cluster, Redis } from 'ioredis';
import type { TimeSaleClaimStatus } from './time-sale-claim.entity.js';
import { newClaimId, rateLimitKey, rebuildLockKey, saleIdOfClaim, saleKeys, STREAM_GROUP } from './time-sale.keys.js';
import { defineTimeSaleScripts, type TimeSaleRedis } from './time-sale.scripts.js';

/** A sale as Redis holds it for the claim path. */
export interface SaleState {
  saleId: string;
  variantId: string;
  quantity: number;
  remaining: number;
  perMemberLimit: number;
  startsAt: Date;
  endsAt: Date;
  price: number;
  currency: string;
  status: 'OPEN' | 'CANCELLED';
}

/** A claim as Redis holds it. */
export interface ClaimState {
  id: string;
  saleId: string;
  memberId: string;
  quantity: number;
  status: TimeSaleClaimStatus;
  idempotencyKey: string;
  expiresAt: Date;
  createdAt: Date;
  orderKey: string | null;
}

export type ClaimOutcome =
  | { kind: 'CLAIMED'; claimId: string; quantity: number; expiresAt: Date; replayed: boolean; remaining: number }
  | { kind: 'SOLD_OUT'; remaining: number }
  | { kind: 'NOT_STARTED'; startsAt: Date }
  | { kind: 'ENDED' }
  | { kind: 'LIMIT_EXCEEDED'; held: number }
  | { kind: 'SALE_PAUSED' }
  | { kind: 'RATE_LIMITED'; retryAfterMs: number };

export type ConsumeOutcome = 'CONSUMED' | 'OTHER_ORDER' | 'EXPIRED' | 'RELEASED' | 'UNKNOWN' | 'SALE_PAUSED';
export type ReleaseOutcome = 'RELEASED' | 'EXPIRED' | 'CONSUMED' | 'UNKNOWN' | 'SALE_PAUSED';

export interface ClaimEngineOptions {
  /** The deployment's key prefix, for pub/sub channels (ioredis' keyPrefix covers keys only). */
  channelPrefix: string;
  /** How long a claim holds its units before they go back to the sale. */
  holdMs: number;
  /** Claim attempts one member may make per sale per window; 0 turns the limit off. */
  rateLimit: number;
  rateWindowMs: number;
  /** A sale that sells out holding more claims than this is not announced sold out (default MAX_ANNOUNCED_CLAIMS). */
  maxAnnouncedClaims?: number;
}

/** A claim as stored in the sale's `claims` hash (short names: it is written once per claim on the hot path). */
interface StoredClaim {
  m: string;
  q: number;
  s: TimeSaleClaimStatus;
  e: number;
  k: string;
  c: number;
  o?: string;
}

/** A claim as the load scripts take it: its id and its stored fields. */
const storedClaimOf = (claim: ClaimState): StoredClaim & { id: string } => ({
  id: claim.id,
  m: claim.memberId,
  q: claim.quantity,
  s: claim.status,
  e: claim.expiresAt.getTime(),
  k: claim.idempotencyKey,
  c: claim.createdAt.getTime(),
  ...(claim.orderKey ? { o: claim.orderKey } : {}),
});

/** What a load script did: wrote, found the sale's state already there, or found the rebuild lock not its token's. */
export type LoadOutcome = 'LOADED' | 'PRESENT' | 'LOCK_LOST';

const loadOutcome = (reply: unknown): LoadOutcome => (Number(reply) === 1 ? 'LOADED' : Number(reply) === 0 ? 'PRESENT' : 'LOCK_LOST');

export interface ClaimInput {
  saleId: string;
  memberId: string;
  quantity: number;
  idempotencyKey: string;
}

/** The most claims one script call decides: Redis serves nothing else while a script runs. */
const MAX_CLAIMS_PER_SCRIPT = 100;

/** One claim's reply from the claim script ('CODE|field|…'); an Error for a claim whose step failed or a reply it cannot read. */
function claimOutcome(reply: unknown): ClaimOutcome | Error {
  if (typeof reply !== 'string') return new Error(`Unexpected claim reply ${String(reply)}`);
  const bar = reply.indexOf('|');
  const code = bar === -1 ? reply : reply.slice(0, bar);
  // The message is the rest, whatever it holds.
  if (code === 'ERROR') return new Error(`The claim script failed: ${bar === -1 ? '(no message)' : reply.slice(bar + 1)}`);
  const [a, b, c, d, e] = bar === -1 ? [] : reply.slice(bar + 1).split('|');
  switch (code) {
    case 'CLAIMED':
      return { kind: 'CLAIMED', claimId: String(a), quantity: Number(b), expiresAt: new Date(Number(c)), replayed: d === '1', remaining: Number(e) };
    case 'SOLD_OUT':
      return { kind: 'SOLD_OUT', remaining: Number(a) };
    case 'NOT_STARTED':
      return { kind: 'NOT_STARTED', startsAt: new Date(Number(a)) };
    case 'ENDED':
      return { kind: 'ENDED' };
    case 'LIMIT_EXCEEDED':
      return { kind: 'LIMIT_EXCEEDED', held: Number(a) };
    case 'SALE_PAUSED':
      return { kind: 'SALE_PAUSED' };
    case 'RATE_LIMITED':
      return { kind: 'RATE_LIMITED', retryAfterMs: Math.max(0, Number(a)) };
    default:
      return new Error(`Unexpected claim reply ${code}`);
  }
}

interface PendingClaim {
  input: ClaimInput;
  resolve: (outcome: ClaimOutcome) => void;
  reject: (error: Error) => void;
}

const toClaim = (id: string, saleId: string, stored: StoredClaim): ClaimState => ({
  id,
  saleId,
  memberId: stored.m,
  quantity: stored.q,
  status: stored.s,
  idempotencyKey: stored.k,
  expiresAt: new Date(stored.e),
  createdAt: new Date(stored.c),
  orderKey: stored.o ?? null,
});

/**
 * The claim engine on Redis: every decision is one Lua script on the sale's keys, so it is atomic across
 * any number of subgraph replicas and never touches PostgreSQL. Works on a single Redis or a Cluster
 * (all keys of a sale share a hash tag). Exported for benchmarks, which drive `claim` directly.
 */
export class TimeSaleClaimEngine {
  readonly redis: TimeSaleRedis;
  /** Claims waiting for this turn's script call, by sale. */
  private pending = new Map<string, PendingClaim[]>();
  private flushScheduled = false;

  constructor(
    redis: Redis | Cluster,
    readonly options: ClaimEngineOptions,
  ) {
    this.redis = defineTimeSaleScripts(redis);
  }

  /**
   * Decides a claim. Claims made in the same turn of the event loop (a gateway's batch of calls, a burst) go to Redis
   * together, one script call per sale (at most MAX_CLAIMS_PER_SCRIPT), sent once the turn's I/O and promises are
   * done, and are decided one after another in the order they were made. Each sale's callers are answered when its own
   * reply arrives: a slow shard holds back no other sale.
   */
  claim(input: ClaimInput): Promise<ClaimOutcome> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(input.saleId);
      if (waiting) waiting.push({ input, resolve, reject });
      else this.pending.set(input.saleId, [{ input, resolve, reject }]);
      if (waiting && waiting.length >= MAX_CLAIMS_PER_SCRIPT) {
        this.pending.delete(input.saleId);
        this.send(input.saleId, waiting);
      } else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    for (const [saleId, claims] of pending) this.send(saleId, claims);
  }

  /** One script call for a batch of claims on one sale; each caller gets its claim's reply, or the call's error. */
  private send(saleId: string, claims: PendingClaim[]): void {
    const { channelPrefix, holdMs, rateLimit, rateWindowMs, maxAnnouncedClaims = MAX_ANNOUNCED_CLAIMS } = this.options;
    const keys = saleKeys(saleId);
    const args: (string | number)[] = [channelPrefix, holdMs, rateLimit, rateWindowMs, maxAnnouncedClaims];
    for (const { input } of claims) {
      keys.push(rateLimitKey(saleId, input.memberId));
      args.push(input.memberId, input.quantity, input.idempotencyKey, newClaimId(saleId));
    }
    this.redis.tsClaim(keys.length, ...keys, ...args).then(
      (replies: unknown) => {
        claims.forEach(({ resolve, reject }, i) => {
          const outcome = claimOutcome(Array.isArray(replies) ? replies[i] : undefined);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        });
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const { reject } of claims) reject(failure);
      },
    );
  }

  /** Gives a HELD claim's units back (a checkout that gave up); returns the claim's status afterwards. */
  async release(claimId: string): Promise<ReleaseOutcome> {
    const saleId = saleIdOfClaim(claimId);
    if (!saleId) return 'UNKNOWN';
    return this.redis.tsRelease(...saleKeys(saleId), this.options.channelPrefix, claimId);
  }

  /** Expires up to `max` claims of the sale whose hold is over; returns how many. */
  async expireDue(saleId: string, max = 500): Promise<number> {
    return Number(await this.redis.tsExpire(...saleKeys(saleId), this.options.channelPrefix, max));
  }

  /** Marks a HELD claim sold to `orderKey`; it can no longer expire. */
  async consume(claimId: string, orderKey: string): Promise<{ outcome: ConsumeOutcome; claim: ClaimState | null }> {
    const saleId = saleIdOfClaim(claimId);
    if (!saleId) return { outcome: 'UNKNOWN', claim: null };
    const [outcome, raw]: [ConsumeOutcome, string] = await this.redis.tsConsume(...saleKeys(saleId), this.options.channelPrefix, claimId, orderKey);
    return { outcome, claim: raw ? toClaim(claimId, saleId, JSON.parse(raw) as StoredClaim) : null };
  }

  /** Withdraws the sale: claims answer ENDED from now on. False when Redis holds no state for it. */
  async cancel(saleId: string): Promise<boolean> {
    return Number(await this.redis.tsCancel(...saleKeys(saleId), this.options.channelPrefix)) === 1;
  }

  /** Writes a sale's state with these claims, unless Redis holds one already; true when it wrote it. */
  async load(sale: SaleState, claims: ClaimState[] = []): Promise<boolean> {
    return (await this.loadSale(sale, claims, '')) === 1;
  }

  /**
   * Takes the sale's rebuild lock for `lockMs` under `token`; false when another rebuild holds it. The lock lets one
   * rebuild at a time write a sale's claims chunk by chunk (each chunk's script extends it).
   */
  async lockRebuild(saleId: string, token: string, lockMs: number): Promise<boolean> {
    return (await this.redis.set(rebuildLockKey(saleId), token, 'PX', lockMs, 'NX')) === 'OK';
  }

  /** Lets the rebuild lock go if `token` still holds it (a rebuild that stopped before writing the sale). */
  async unlockRebuild(saleId: string, token: string): Promise<void> {
    await this.redis.tsUnlockRebuild(rebuildLockKey(saleId), token);
  }

  /**
   * Writes one chunk of a rebuild's claims, before the sale's hash; the first chunk clears what an interrupted
   * rebuild left. LOADED, PRESENT when the sale has its state already, LOCK_LOST when the lock is not `token`'s.
   */
  async loadClaims(saleId: string, token: string, claims: ClaimState[], first: boolean, lockMs: number): Promise<LoadOutcome> {
    const reply = await this.redis.tsLoadClaims(...saleKeys(saleId), rebuildLockKey(saleId), token, JSON.stringify(claims.map(storedClaimOf)), first ? '1' : '0', lockMs);
    return loadOutcome(reply);
  }

  /** Extends the rebuild lock of `token` without writing: LOADED while the rebuild may go on (see loadClaims). */
  async extendRebuild(saleId: string, token: string, lockMs: number): Promise<LoadOutcome> {
    return this.loadClaims(saleId, token, [], false, lockMs);
  }

  /** Ends a rebuild: writes the sale's hash, after which every script sees its state, and lets the lock go. */
  async finishRebuild(sale: SaleState, token: string): Promise<LoadOutcome> {
    return loadOutcome(await this.loadSale(sale, [], token));
  }

  private async loadSale(sale: SaleState, claims: ClaimState[], token: string): Promise<number> {
    const saleFields = {
      saleId: sale.saleId,
      variantId: sale.variantId,
      quantity: String(sale.quantity),
      remaining: String(sale.remaining),
      perMemberLimit: String(sale.perMemberLimit),
      startsAt: String(sale.startsAt.getTime()),
      endsAt: String(sale.endsAt.getTime()),
      price: String(sale.price),
      currency: sale.currency,
      status: sale.status,
    };
    const stored = JSON.stringify(claims.map(storedClaimOf));
    return Number(await this.redis.tsLoad(...saleKeys(sale.saleId), rebuildLockKey(sale.saleId), JSON.stringify(saleFields), stored, STREAM_GROUP, token, this.options.channelPrefix));
  }

  /** The sale's state, or null when Redis holds none (never created, dropped after settlement, or lost). */
  async readSale(saleId: string): Promise<SaleState | null> {
    return (await this.readSales([saleId])).get(saleId) ?? null;
  }

  /** Several sales' states, read side by side (sales may live on different Cluster nodes). */
  async readSales(saleIds: readonly string[]): Promise<Map<string, SaleState | null>> {
    const hashes = await Promise.all(saleIds.map((saleId) => this.redis.hgetall(saleKeys(saleId)[0]!)));
    const states = new Map<string, SaleState | null>();
    saleIds.forEach((saleId, index) => {
      const h = hashes[index]!;
      states.set(
        saleId,
        h && h.saleId
          ? {
              saleId,
              variantId: h.variantId!,
              quantity: Number(h.quantity),
              remaining: Number(h.remaining),
              perMemberLimit: Number(h.perMemberLimit),
              startsAt: new Date(Number(h.startsAt)),
              endsAt: new Date(Number(h.endsAt)),
              price: Number(h.price),
              currency: h.currency!,
              status: h.status as SaleState['status'],
            }
          : null,
      );
    });
    return states;
  }

  /** One claim as Redis holds it, or null. */
  async readClaim(claimId: string): Promise<ClaimState | null> {
    const saleId = saleIdOfClaim(claimId);
    if (!saleId) return null;
    const raw = await this.redis.hget(saleKeys(saleId)[3]!, claimId);
    return raw ? toClaim(claimId, saleId, JSON.parse(raw) as StoredClaim) : null;
  }

  /**
   * The sale's claims as Redis holds them, a chunk at a time (HSCAN, so Redis never answers one huge reply and the
   * caller gets a turn between chunks). Every claim present throughout is seen at least once; one may come twice.
   */
  async *scanClaims(saleId: string, chunkSize: number): AsyncGenerator<ClaimState[]> {
    const key = saleKeys(saleId)[3]!;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(key, cursor, 'COUNT', chunkSize);
      cursor = next;
      const claims: ClaimState[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) claims.push(toClaim(flat[i]!, saleId, JSON.parse(flat[i + 1]!) as StoredClaim));
      if (claims.length > 0) yield claims;
    } while (cursor !== '0');
  }

  /** The given claims of one sale as Redis holds them, in order; null where it holds none. */
  async readClaimsById(saleId: string, claimIds: string[]): Promise<(ClaimState | null)[]> {
    if (claimIds.length === 0) return [];
    const raws = await this.redis.hmget(saleKeys(saleId)[3]!, ...claimIds);
    return raws.map((raw, i) => (raw ? toClaim(claimIds[i]!, saleId, JSON.parse(raw) as StoredClaim) : null));
  }

  /** How many claims Redis holds for the sale, in any status. */
  async claimCount(saleId: string): Promise<number> {
    return this.redis.hlen(saleKeys(saleId)[3]!);
  }

  /** How many claims still hold units: the expiry index holds HELD claims only. */
  async heldClaimCount(saleId: string): Promise<number> {
    return this.redis.zcard(saleKeys(saleId)[4]!);
  }

  /**
   * The id of the last event appended to the sale's stream (acknowledged entries are deleted, the id stays), or null
   * when there is no stream. Every claim, release, expiry and checkout appends one, so an unchanged id means no
   * script changed the sale's claims.
   */
  async lastEventId(saleId: string): Promise<string | null> {
    try {
      const info = (await this.redis.xinfo('STREAM', saleKeys(saleId)[5]!)) as unknown[];
      const at = info.indexOf('last-generated-id');
      return at >= 0 ? String(info[at + 1]) : null;
    } catch (error) {
      if (error instanceof Error && error.message.includes('no such key')) return null;
      throw error;
    }
  }

  /** Units each member holds or bought in the sale, as the limit check sees them. */
  async memberTotals(saleId: string): Promise<Map<string, number>> {
    const all = await this.redis.hgetall(saleKeys(saleId)[1]!);
    return new Map(Object.entries(all).map(([member, units]) => [member, Number(units)]));
  }

  /** Stream entries not yet written to PostgreSQL (acknowledged entries are deleted). */
  async backlog(saleId: string): Promise<number> {
    return this.redis.xlen(saleKeys(saleId)[5]!);
  }

  /** Drops a settled sale's state after `ttlMs` (its counts then come from PostgreSQL). */
  async expireState(saleId: string, ttlMs: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const key of saleKeys(saleId)) pipeline.pexpire(key, ttlMs);
    await pipeline.exec();
  }
}
