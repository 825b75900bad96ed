import { badUserInput, conflict, fail, Money, notFound } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member } from '../member/member.entity.js';
import { PointEntryKind } from './point-entry-kind.js';
import { PointEntry } from './point-entry.entity.js';
import { PointReleaseTombstone } from './point-release-tombstone.entity.js';
import { InsufficientPoints, PointReservation, PointReservationStatus } from './points.results.js';

export const POINT_CURRENCY = 'KRW';
export const points = (amount: number) => Money.of(amount, POINT_CURRENCY);
const MAX_KEY_LENGTH = 100;

interface Wallet {
  em: EntityManager;
  memberId: string;
  balance: number;
}

/**
 * Runs `work` in a transaction holding the member's wallet row lock (`SELECT … FOR UPDATE`), so ledger
 * writes of one member happen one at a time: the balance read is the balance written against, and an
 * idempotency key looked up here cannot be taken by a concurrent request before this one commits.
 */
function withWallet<T>(em: EntityManager, memberId: string, work: (wallet: Wallet) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    await tx.execute(`insert into "members"."point_wallet" ("member_id") values (?) on conflict do nothing`, [memberId]);
    const [row] = await tx.execute<{ balance: number }[]>(
      `select "balance" from "members"."point_wallet" where "member_id" = ? for update`,
      [memberId],
    );
    return work({ em: tx, memberId, balance: Number(row!.balance) });
  });
}

interface EntryFields {
  kind: PointEntryKind;
  idempotencyKey: string;
  delta: number;
  memo?: string | null;
  relatedEntryId?: string | null;
}

const findEntry = (em: EntityManager, memberId: string, kind: PointEntryKind, idempotencyKey: string) =>
  em.findOne(PointEntry, { memberId, kind, idempotencyKey });

/**
 * Appends a ledger entry and moves the balance, unless an entry with the same key exists (then that first
 * result is returned and nothing changes). The guarded UPDATE and the table's CHECK both refuse a negative
 * balance; under the wallet lock the guard cannot fail after the check above it passed.
 */
async function append(wallet: Wallet, fields: EntryFields): Promise<PointEntry | InsufficientPoints> {
  const existing = await findEntry(wallet.em, wallet.memberId, fields.kind, fields.idempotencyKey);
  if (existing) return existing;
  if (wallet.balance + fields.delta < 0) {
    return fail(InsufficientPoints, `The balance is ${wallet.balance} points.`, { balance: points(wallet.balance) });
  }
  const updated = await wallet.em.execute(
    `update "members"."point_wallet" set "balance" = "balance" + ?, "updated_at" = now()
     where "member_id" = ? and "balance" + ? >= 0`,
    [fields.delta, wallet.memberId, fields.delta],
    'run',
  );
  if ((updated as { affectedRows?: number }).affectedRows !== 1) {
    return fail(InsufficientPoints, `The balance is ${wallet.balance} points.`, { balance: points(wallet.balance) });
  }
  wallet.balance += fields.delta;
  const entry = wallet.em.create(PointEntry, { memberId: wallet.memberId, balanceAfter: wallet.balance, ...fields });
  await wallet.em.flush();
  return entry;
}

function checkAmount(amount: number, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(amount) || amount < 1 || amount > max) throw badUserInput(`amount must be a whole number from 1 to ${max}.`, 'amount');
}

function checkKey(key: string) {
  if (key.length < 1 || key.length > MAX_KEY_LENGTH) throw badUserInput(`idempotencyKey must be 1 to ${MAX_KEY_LENGTH} characters.`, 'idempotencyKey');
}

async function requireMemberExists(em: EntityManager, memberId: string) {
  if ((await em.count(Member, { id: memberId })) === 0) throw notFound('Member', memberId);
}

/** A top-up (payment simulated): at most `max` points at once. */
export async function chargePoints(em: EntityManager, memberId: string, amount: number, idempotencyKey: string, max: number) {
  checkAmount(amount, max);
  checkKey(idempotencyKey);
  const entry = await withWallet(em, memberId, (wallet) =>
    append(wallet, { kind: PointEntryKind.CHARGE, idempotencyKey, delta: amount, memo: 'Top-up' }),
  );
  return entry as PointEntry;
}

export async function spendPoints(em: EntityManager, memberId: string, amount: number, idempotencyKey: string, memo: string | null) {
  checkAmount(amount);
  checkKey(idempotencyKey);
  await requireMemberExists(em, memberId);
  return withWallet(em, memberId, (wallet) => append(wallet, { kind: PointEntryKind.SPEND, idempotencyKey, delta: -amount, memo }));
}

/**
 * Gives back (part of) a SPEND or a confirmed reservation. All refunds of one debit together never exceed it,
 * checked under the wallet lock.
 */
export async function refundPoints(em: EntityManager, memberId: string, entryId: string, amount: number, idempotencyKey: string) {
  checkAmount(amount);
  checkKey(idempotencyKey);
  return withWallet(em, memberId, async (wallet) => {
    const existing = await findEntry(wallet.em, memberId, PointEntryKind.REFUND, idempotencyKey);
    if (existing) return existing;
    const debit = await wallet.em.findOne(PointEntry, { id: entryId, memberId, kind: { $in: [PointEntryKind.SPEND, PointEntryKind.RESERVE] } });
    if (!debit) throw notFound('PointEntry', entryId);
    if (debit.kind === PointEntryKind.RESERVE && !(await findEntry(wallet.em, memberId, PointEntryKind.CONFIRM, debit.idempotencyKey))) {
      throw conflict('Only a confirmed reservation can be refunded; release it instead.');
    }
    const refunds = await wallet.em.find(PointEntry, { memberId, kind: PointEntryKind.REFUND, relatedEntryId: debit.id });
    const refunded = refunds.reduce((sum, refund) => sum + refund.delta, 0);
    if (refunded + amount > -debit.delta) throw badUserInput(`Only ${-debit.delta - refunded} points of this entry are left to refund.`, 'amount');
    return (await append(wallet, {
      kind: PointEntryKind.REFUND,
      idempotencyKey,
      delta: amount,
      memo: debit.memo,
      relatedEntryId: debit.id,
    })) as PointEntry;
  });
}

async function reservationOf(em: EntityManager, reserve: PointEntry): Promise<PointReservation> {
  const later = await em.find(PointEntry, {
    memberId: reserve.memberId,
    idempotencyKey: reserve.idempotencyKey,
    kind: { $in: [PointEntryKind.CONFIRM, PointEntryKind.RELEASE] },
  });
  const status = later.some((entry) => entry.kind === PointEntryKind.CONFIRM)
    ? PointReservationStatus.CONFIRMED
    : later.some((entry) => entry.kind === PointEntryKind.RELEASE)
      ? PointReservationStatus.RELEASED
      : PointReservationStatus.RESERVED;
  return Object.assign(new PointReservation(), {
    orderId: reserve.idempotencyKey,
    memberId: reserve.memberId,
    amount: points(-reserve.delta),
    status,
  });
}

/**
 * Serializes a reserve and a release of the same order that has no RESERVE yet: both take this lock, so the
 * release either sees the reserve (and gives it back) or leaves its tombstone before the reserve looks.
 */
const lockOrder = (tx: EntityManager, orderId: string) => tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`points:${orderId}`]);

/**
 * Holds points for an order (saga step); the order ID is the idempotency key. An order already released (the
 * saga gave up before this call arrived) holds nothing and answers RELEASED.
 */
export async function reservePoints(em: EntityManager, memberId: string, orderId: string, amount: number) {
  checkAmount(amount);
  await requireMemberExists(em, memberId);
  return withWallet(em, memberId, async (wallet) => {
    await lockOrder(wallet.em, orderId);
    if (!(await findReserve(wallet.em, orderId)) && (await wallet.em.count(PointReleaseTombstone, { orderId })) > 0) {
      return Object.assign(new PointReservation(), { orderId, memberId, amount: points(0), status: PointReservationStatus.RELEASED });
    }
    const result = await append(wallet, { kind: PointEntryKind.RESERVE, idempotencyKey: orderId, delta: -amount, memo: `Order ${orderId}` });
    return result instanceof PointEntry ? reservationOf(wallet.em, result) : result;
  });
}

const findReserve = (em: EntityManager, orderId: string) => em.findOne(PointEntry, { kind: PointEntryKind.RESERVE, idempotencyKey: orderId });

/** Makes a hold final. Idempotent; CONFLICT when it was released already. */
export async function confirmReservation(em: EntityManager, orderId: string): Promise<PointReservation> {
  const reserve = await findReserve(em, orderId);
  if (!reserve) throw notFound('PointReservation', orderId);
  return withWallet(em, reserve.memberId, async (wallet) => {
    if (await findEntry(wallet.em, reserve.memberId, PointEntryKind.RELEASE, orderId)) throw conflict(`The points of order ${orderId} were released.`);
    await append(wallet, { kind: PointEntryKind.CONFIRM, idempotencyKey: orderId, delta: 0, memo: reserve.memo });
    return reservationOf(wallet.em, reserve);
  });
}

/**
 * Gives held points back. Idempotent; CONFLICT once confirmed (refund instead). Null when nothing was held
 * for the order, so a saga may compensate a step that never happened; that release is remembered (a
 * tombstone), so a reserve arriving after it holds nothing.
 */
export async function releaseReservation(em: EntityManager, orderId: string): Promise<PointReservation | null> {
  let reserve = await findReserve(em, orderId);
  if (!reserve) {
    // Under the order's lock a reserve either committed already (release it below) or will find the tombstone.
    reserve = await em.transactional(async (tx) => {
      await lockOrder(tx, orderId);
      const found = await findReserve(tx, orderId);
      if (!found) await tx.execute(`insert into "members"."point_release_tombstone" ("order_id") values (?) on conflict do nothing`, [orderId]);
      return found;
    });
    if (!reserve) return null;
  }
  const held = reserve;
  return withWallet(em, held.memberId, async (wallet) => {
    if (await findEntry(wallet.em, held.memberId, PointEntryKind.CONFIRM, orderId)) throw conflict(`The points of order ${orderId} were used; refund them instead.`);
    await append(wallet, { kind: PointEntryKind.RELEASE, idempotencyKey: orderId, delta: -held.delta, memo: held.memo });
    return reservationOf(wallet.em, held);
  });
}

/**
 * Gives back the points a cancelled or refunded order used: up to what its confirmed reservation took, less
 * what was refunded of it already under any key (so refunds of one order never add up to more than it used),
 * checked under the wallet lock. `amount` is clamped to what is left; null when nothing is left. A repeated
 * key returns its first entry. NOT_FOUND when the order held no points; CONFLICT while it is not confirmed.
 */
export async function refundReservation(em: EntityManager, orderId: string, amount: number, idempotencyKey: string): Promise<PointEntry | null> {
  checkAmount(amount);
  checkKey(idempotencyKey);
  const reserve = await findReserve(em, orderId);
  if (!reserve) throw notFound('PointReservation', orderId);
  return withWallet(em, reserve.memberId, async (wallet) => {
    const existing = await findEntry(wallet.em, reserve.memberId, PointEntryKind.REFUND, idempotencyKey);
    if (existing) return existing;
    if (!(await findEntry(wallet.em, reserve.memberId, PointEntryKind.CONFIRM, orderId))) {
      throw conflict(`The points of order ${orderId} are not confirmed; release them instead.`);
    }
    const refunds = await wallet.em.find(PointEntry, { memberId: reserve.memberId, kind: PointEntryKind.REFUND, relatedEntryId: reserve.id });
    const left = -reserve.delta - refunds.reduce((sum, refund) => sum + refund.delta, 0);
    if (left <= 0) return null;
    return (await append(wallet, {
      kind: PointEntryKind.REFUND,
      idempotencyKey,
      delta: Math.min(amount, left),
      memo: reserve.memo,
      relatedEntryId: reserve.id,
    })) as PointEntry;
  });
}
