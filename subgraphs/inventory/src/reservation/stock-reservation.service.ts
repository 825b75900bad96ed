import { badUserInput, requireUuid, type Viewer } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../db-tables.js';
import { actorOf, type StockActor, SYSTEM_ACTOR } from '../stock/stock-actor.js';
import { applyStockChange, readStockLevel } from '../stock/stock-change.js';
import type { StockChangeSet } from '../stock/stock-change-set.js';
import { StockMovementKind } from '../stock/stock-movement-kind.js';
import { inStockTransaction, type StockTransactionDeps } from '../stock/stock-transaction.js';
import { StockReservationLine } from './stock-reservation-line.entity.js';
import { StockReservationStatus } from './stock-reservation-status.js';
import { StockReservation } from './stock-reservation.entity.js';
import { OutOfStock, StockReservationView } from './stock-reservation.types.js';

export const DEFAULT_RESERVATION_TTL_SECONDS = 15 * 60;
const MAX_RESERVATION_TTL_SECONDS = 24 * 60 * 60;
const MAX_LINES = 100;

type ServiceContext = StockTransactionDeps & { viewer: Viewer | null };

/** Thrown inside the reservation transaction to roll every line back. */
class OutOfStockSignal extends Error {
  constructor(readonly result: OutOfStock) {
    super(result.message);
  }
}

/** Checks the request and orders lines by variant id: every transaction locks stock rows in that order, so none deadlock. */
export function normalizeLines(lines: { variantId: string; quantity: number }[]) {
  if (lines.length === 0 || lines.length > MAX_LINES) throw badUserInput(`Reserve 1 to ${MAX_LINES} lines.`, 'lines');
  const normalized = lines.map((line) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw badUserInput('quantity must be at least 1.', 'quantity');
    return { variantId: requireUuid(line.variantId, 'variantId'), quantity: line.quantity };
  });
  if (new Set(normalized.map((line) => line.variantId)).size !== normalized.length) {
    throw badUserInput('Each variant may appear once; add up its quantities.', 'lines');
  }
  return normalized.sort((a, b) => a.variantId.localeCompare(b.variantId));
}

export function checkKey(key: string): string {
  if (key.length < 1 || key.length > 200) throw badUserInput('key must be 1 to 200 characters.', 'key');
  return key;
}

/** The stored outcome of `key`, whichever call produced it. */
async function outcomeOf(em: EntityManager, key: string): Promise<StockReservationView | OutOfStock> {
  const fresh = em.fork();
  const reservation = await fresh.findOneOrFail(StockReservation, { key });
  if (reservation.status === StockReservationStatus.REJECTED) {
    return OutOfStock.of(reservation.outOfStockVariantId!, reservation.outOfStockRequested!, reservation.outOfStockAvailable!);
  }
  const lines = await fresh.find(StockReservationLine, { reservationKey: key }, { orderBy: { variantId: 'asc' } });
  return Object.assign(new StockReservationView(), {
    key,
    status: reservation.status,
    expiresAt: reservation.expiresAt,
    lines: lines.map((line) => ({ variant: { id: line.variantId }, quantity: line.quantity })),
  });
}

/**
 * Sets units aside for every line or for none. The reservation row is inserted first: a concurrent call
 * with the same key waits on its primary key until this one commits or rolls back, then answers with
 * the stored outcome, so a key is only ever acted on once. A refusal is stored as well (REJECTED).
 */
export async function reserveStock(
  context: ServiceContext,
  input: { key: string; lines: { variantId: string; quantity: number }[]; ttlSeconds?: number | null },
): Promise<StockReservationView | OutOfStock> {
  const key = checkKey(input.key);
  const lines = normalizeLines(input.lines);
  const ttl = input.ttlSeconds ?? DEFAULT_RESERVATION_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_RESERVATION_TTL_SECONDS) {
    throw badUserInput(`ttlSeconds must be between 1 and ${MAX_RESERVATION_TTL_SECONDS}.`, 'ttlSeconds');
  }
  const actor = actorOf(context.viewer!);
  try {
    await inStockTransaction(context, async (tx, changes) => {
      const claimed = await tx.execute(
        `insert into ${table(tx, 'stock_reservation')} ("key", "status", "expires_at")
         values (?, 'HELD', clock_timestamp() + make_interval(secs => ?)) on conflict ("key") do nothing returning "key"`,
        [key, ttl],
      );
      if (claimed.length === 0) return;
      for (const line of lines) {
        const level = await applyStockChange(tx, changes, {
          variantId: line.variantId,
          onHandDelta: 0,
          reservedDelta: line.quantity,
          kind: StockMovementKind.RESERVATION,
          reason: `Reserved under ${key}`,
          actor,
          reservationKey: key,
        });
        if (!level) {
          const current = await readStockLevel(tx, line.variantId);
          throw new OutOfStockSignal(OutOfStock.of(line.variantId, line.quantity, current?.available ?? 0));
        }
        tx.create(StockReservationLine, { reservationKey: key, variantId: line.variantId, quantity: line.quantity });
      }
    });
  } catch (error) {
    if (!(error instanceof OutOfStockSignal)) throw error;
    const refusal = error.result;
    // Every line rolled back; only the refusal is kept, unless a concurrent call with this key got in first.
    await context.em.execute(
      `insert into ${table(context.em, 'stock_reservation')}
         ("key", "status", "expires_at", "settled_at", "out_of_stock_variant_id", "out_of_stock_requested", "out_of_stock_available")
       values (?, 'REJECTED', clock_timestamp(), clock_timestamp(), ?, ?, ?) on conflict ("key") do nothing`,
      [key, refusal.variant.id, refusal.requested, refusal.available],
    );
  }
  return outcomeOf(context.em, key);
}

interface LockedReservation {
  key: string;
  status: StockReservationStatus;
  expired: boolean;
}

/** Locks the reservation row, so commit, release and the expiry sweeper act on one key one at a time. */
async function lockReservation(tx: EntityManager, key: string): Promise<LockedReservation | null> {
  const [row] = await tx.execute<LockedReservation[]>(
    `select "key", "status", "expires_at" <= clock_timestamp() as "expired" from ${table(tx, 'stock_reservation')} where "key" = ? for update`,
    [key],
  );
  return row ?? null;
}

async function linesOf(tx: EntityManager, key: string) {
  return tx.find(StockReservationLine, { reservationKey: key }, { orderBy: { variantId: 'asc' } });
}

async function markSettled(tx: EntityManager, key: string, status: StockReservationStatus): Promise<void> {
  await tx.execute(`update ${table(tx, 'stock_reservation')} set "status" = ?, "settled_at" = clock_timestamp() where "key" = ?`, [status, key]);
}

/** Gives a HELD reservation's units back (RELEASE movements); the caller holds the reservation's lock. */
export async function settleReservation(
  tx: EntityManager,
  changes: StockChangeSet,
  key: string,
  status: StockReservationStatus.RELEASED | StockReservationStatus.EXPIRED,
  actor: StockActor,
): Promise<void> {
  for (const line of await linesOf(tx, key)) {
    const level = await applyStockChange(tx, changes, {
      variantId: line.variantId,
      onHandDelta: 0,
      reservedDelta: -line.quantity,
      kind: StockMovementKind.RELEASE,
      reason: status === StockReservationStatus.EXPIRED ? `Reservation ${key} expired` : `Reservation ${key} released`,
      actor,
      reservationKey: key,
    });
    if (!level) throw new Error(`Reservation ${key} holds units of ${line.variantId} that are not reserved.`);
  }
  await markSettled(tx, key, status);
}

/**
 * Turns held units into sold ones (on_hand and reserved both drop; SALE movements). True when the
 * reservation is committed, now or earlier; false when it was released, expired, refused or never made.
 * A reservation past its expiry is expired here and then, whether or not the sweeper got to it yet.
 */
export async function commitStockReservation(context: ServiceContext, rawKey: string): Promise<boolean> {
  const key = checkKey(rawKey);
  const actor = actorOf(context.viewer!);
  return inStockTransaction(context, async (tx, changes) => {
    const reservation = await lockReservation(tx, key);
    if (!reservation) return false;
    if (reservation.status === StockReservationStatus.COMMITTED) return true;
    if (reservation.status !== StockReservationStatus.HELD) return false;
    if (reservation.expired) {
      await settleReservation(tx, changes, key, StockReservationStatus.EXPIRED, SYSTEM_ACTOR);
      return false;
    }
    for (const line of await linesOf(tx, key)) {
      const level = await applyStockChange(tx, changes, {
        variantId: line.variantId,
        onHandDelta: -line.quantity,
        reservedDelta: -line.quantity,
        kind: StockMovementKind.SALE,
        reason: `Sold under ${key}`,
        actor,
        reservationKey: key,
      });
      if (!level) throw new Error(`Reservation ${key} holds units of ${line.variantId} that are not reserved.`);
    }
    await markSettled(tx, key, StockReservationStatus.COMMITTED);
    return true;
  });
}

/**
 * Gives a reservation's units back. True unless the reservation was already committed. An unknown key
 * is remembered as released, so a reserve call that arrives late (after the saga gave up) holds nothing.
 */
export async function releaseStockReservation(context: ServiceContext, rawKey: string): Promise<boolean> {
  const key = checkKey(rawKey);
  const actor = actorOf(context.viewer!);
  for (let attempt = 0; attempt < 3; attempt++) {
    const outcome = await inStockTransaction(context, async (tx, changes) => {
      const reservation = await lockReservation(tx, key);
      if (!reservation) {
        const remembered = await tx.execute(
          `insert into ${table(tx, 'stock_reservation')} ("key", "status", "expires_at", "settled_at")
           values (?, 'RELEASED', clock_timestamp(), clock_timestamp()) on conflict ("key") do nothing returning "key"`,
          [key],
        );
        // A reserve with this key committed in between: lock it on the next attempt.
        return remembered.length > 0 ? true : null;
      }
      if (reservation.status === StockReservationStatus.COMMITTED) return false;
      if (reservation.status === StockReservationStatus.HELD) {
        await settleReservation(tx, changes, key, StockReservationStatus.RELEASED, actor);
      }
      return true;
    });
    if (outcome !== null) return outcome;
  }
  throw new Error(`Could not release reservation ${key}.`);
}
