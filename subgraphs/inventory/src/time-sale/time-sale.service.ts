import { GraphQLError } from 'graphql';
import {
  badUserInput,
  type Connection,
  MAX_CLAIM_QUANTITY,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_UNIT_PRICE,
  notFound,
  type PageArgs,
  rateLimited,
  readPageArgs,
  requireMember,
  requireUuid,
  requireViewer,
  toConnection,
  unavailable,
  uuidv7,
  type Viewer,
} from '@commerce/kit';
import { LockMode } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import type { InventoryContext } from '../context.js';
import { actorOf } from '../stock/stock-actor.js';
import { applyStockChange, readStockLevel } from '../stock/stock-change.js';
import { StockMovementKind } from '../stock/stock-movement-kind.js';
import { inStockTransaction } from '../stock/stock-transaction.js';
import { requireStoreManager } from '../store/store-access.js';
import type { ClaimState, SaleState } from './time-sale-claim.service.js';
import { TimeSaleClaimRecord } from './time-sale-claim.entity.js';
import { TimeSale } from './time-sale.entity.js';
import { saleIdOfClaim } from './time-sale.keys.js';
import { applyClaimEvent } from './time-sale.ledger.js';
import { enqueueTimeSalePrice } from './time-sale-price.outbox.js';
import { reconcileTimeSale, saleStateOf } from './time-sale.state.js';
import { TimeSaleStatus, timeSaleStatus } from './time-sale-status.js';
import {
  CheckoutClaim,
  type CreateTimeSaleInput,
  Ended,
  InsufficientStock,
  LimitExceeded,
  NotStarted,
  SalePaused,
  SoldOut,
  TimeSaleClaim,
} from './time-sale.types.js';

const MAX_QUANTITY = 1_000_000;
const MAX_WINDOW_MS = 31 * 24 * 60 * 60 * 1000;

export async function findTimeSale({ loaders }: InventoryContext, id: string): Promise<TimeSale> {
  const sale = await loaders.timeSaleById.load(requireUuid(id));
  if (!sale) throw notFound('TimeSale', id);
  return sale;
}

/** Pages by id: UUIDv7 ids are creation-ordered, so new sales append and never shift a page. */
export async function listTimeSales({ em }: InventoryContext, args: PageArgs): Promise<Connection<TimeSale>> {
  const { limit, afterKey } = readPageArgs(args);
  const after = afterKey === null ? null : requireUuid(afterKey, 'after');
  const rows = await em.find(TimeSale, after ? { id: { $gt: after } } : {}, { orderBy: { id: 'asc' }, limit: limit + 1 });
  return toConnection(rows, limit, (sale) => sale.id, after !== null);
}

const integerIn = (value: number, min: number, max: number, field: string) => {
  if (!Number.isInteger(value) || value < min || value > max) throw badUserInput(`${field} must be between ${min} and ${max}.`, field);
  return value;
};

/**
 * Creates a sale: its units are set aside from the variant's available stock (a RESERVATION movement)
 * in the same transaction as the sale row and the catalog's price message; the Redis state is loaded
 * after commit (should that fail, the first claim or the worker rebuilds it from PostgreSQL).
 */
export async function createTimeSale(context: InventoryContext, input: CreateTimeSaleInput): Promise<TimeSale | InsufficientStock> {
  requireViewer(context);
  const variantId = requireUuid(input.variantId, 'variantId');
  // A sale price is a unit price: the catalog shows it beside the regular one, under the same bound.
  integerIn(input.price, 0, MAX_UNIT_PRICE, 'price');
  integerIn(input.quantity, 1, MAX_QUANTITY, 'quantity');
  integerIn(input.perMemberLimit, 1, MAX_QUANTITY, 'perMemberLimit');
  const currency = input.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw badUserInput('currency must be an ISO 4217 code.', 'currency');
  if (!(input.endsAt.getTime() > input.startsAt.getTime())) throw badUserInput('endsAt must be after startsAt.', 'endsAt');
  if (input.endsAt.getTime() <= Date.now()) throw badUserInput('endsAt must be in the future.', 'endsAt');
  if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_WINDOW_MS) throw badUserInput('A sale may last at most 31 days.', 'endsAt');
  const level = await readStockLevel(context.em, variantId);
  if (!level || level.retiredAt) throw notFound('ProductVariant', variantId);
  const viewer = await requireStoreManager(context, level.storeId);

  const sale = await inStockTransaction(context, async (tx, changes) => {
    const id = uuidv7();
    const setAside = await applyStockChange(tx, changes, {
      variantId,
      onHandDelta: 0,
      reservedDelta: input.quantity,
      kind: StockMovementKind.RESERVATION,
      reason: `Set aside for time-sale ${id}`,
      actor: actorOf(viewer),
      reservationKey: id,
    });
    if (!setAside) {
      const current = await readStockLevel(tx, variantId);
      return InsufficientStock.of(input.quantity, current?.available ?? 0);
    }
    // Checked again on the row the set-aside locked: a retirement that committed meanwhile wins (see retireVariants).
    if (setAside.retiredAt) throw notFound('ProductVariant', variantId);
    const created = tx.create(TimeSale, {
      id,
      variantId,
      storeId: level.storeId,
      createdBy: viewer.memberId,
      priceAmount: input.price,
      currency,
      quantity: input.quantity,
      perMemberLimit: input.perMemberLimit,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
    });
    enqueueTimeSalePrice(tx, changes, id);
    return created;
  });
  if (sale instanceof TimeSale) {
    await context.services.timeSales.engine.load(saleStateOf(sale)).catch(() => context.services.timeSales.keeper.requestRebuild(sale.id));
  }
  return sale;
}

/** Withdraws a sale: claims answer ENDED at once; the catalog forgets its price; unsold units return at settlement. */
export async function cancelTimeSale(context: InventoryContext, id: string): Promise<TimeSale> {
  requireViewer(context);
  const saleId = requireUuid(id, 'id');
  const existing = await context.em.findOne(TimeSale, saleId);
  if (!existing) throw notFound('TimeSale', saleId);
  await requireStoreManager(context, existing.storeId);
  await withdrawTimeSale(context, saleId);
  await context.em.refresh(existing);
  return existing;
}

/**
 * Withdraws a sale whoever asked (its seller, or the catalog for a deleted product); a sale already cancelled or
 * settled stays as it is. Answers whether this call withdrew it.
 */
export async function withdrawTimeSale(context: InventoryContext, saleId: string): Promise<boolean> {
  const withdrawn = await context.em.transactional(async (tx) => {
    const sale = await tx.findOneOrFail(TimeSale, saleId, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (sale.cancelledAt || sale.settledAt) return false;
    sale.cancelledAt = new Date();
    enqueueTimeSalePrice(tx, null, saleId);
    return true;
  });
  context.services.outbox.wake();
  const { keeper, engine } = context.services.timeSales;
  // Without a state in Redis, cancel again once it is rebuilt: a rebuild already under way may have read the sale
  // before this cancellation. One another replica is still writing is cancelled by the sweep when it is done.
  if (!(await engine.cancel(saleId))) {
    const rebuilt = await keeper.rebuild(saleId);
    if (rebuilt === 'LOADED' || rebuilt === 'PRESENT') await engine.cancel(saleId);
  }
  return withdrawn;
}

/**
 * The claim path: one Lua script decides, PostgreSQL is not touched. Only when Redis holds no state
 * does it look further: an unknown sale is NOT_FOUND, a known one answers SALE_PAUSED while its state
 * is rebuilt. Whether the member may buy at all (a verified email, where the deployment requires it) comes
 * with the verified identity (`viewer.canPurchase`, from the access token), so the hot path never calls out.
 */
export async function claimTimeSale(
  context: InventoryContext,
  input: { saleId: string; quantity: number; idempotencyKey: string },
): Promise<TimeSaleClaim | SoldOut | NotStarted | Ended | LimitExceeded | SalePaused> {
  const member = requireMember(context);
  if (member.canPurchase === false) {
    throw new GraphQLError('Verify your email address before claiming time-sales.', {
      extensions: { code: 'FORBIDDEN', reason: 'EMAIL_NOT_VERIFIED' },
    });
  }
  const saleId = requireUuid(input.saleId, 'saleId');
  integerIn(input.quantity, 1, MAX_CLAIM_QUANTITY, 'quantity');
  const key = input.idempotencyKey;
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badUserInput(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, 'idempotencyKey');
  }
  const { engine, keeper } = context.services.timeSales;
  const outcome = await engine.claim({ saleId, memberId: member.memberId, quantity: input.quantity, idempotencyKey: key });
  context.services.timeSales.metrics.recordClaim(outcome);
  switch (outcome.kind) {
    case 'CLAIMED':
      return Object.assign(new TimeSaleClaim(), {
        id: outcome.claimId,
        saleId,
        quantity: outcome.quantity,
        expiresAt: outcome.expiresAt,
      });
    case 'SOLD_OUT':
      return SoldOut.of(outcome.remaining);
    case 'NOT_STARTED':
      return NotStarted.of(outcome.startsAt);
    case 'ENDED':
      return Ended.of();
    case 'LIMIT_EXCEEDED': {
      const state = await engine.readSale(saleId);
      return LimitExceeded.of(outcome.held, state?.perMemberLimit ?? outcome.held);
    }
    case 'RATE_LIMITED':
      throw rateLimited(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000)));
    case 'SALE_PAUSED': {
      const exists = await context.em.fork().findOne(TimeSale, saleId, { fields: ['id', 'settledAt', 'endsAt'] });
      if (!exists) throw notFound('TimeSale', saleId);
      if (exists.settledAt || exists.endsAt.getTime() <= Date.now()) return Ended.of();
      keeper.requestRebuild(saleId);
      return SalePaused.of();
    }
  }
}

/** Redis state of sales for one request, batched: `remaining` and `status` of many sales cost one round of reads. */
const stateLoaders = new WeakMap<object, DataLoader<string, SaleState | null>>();
function saleStates(context: InventoryContext) {
  let loader = stateLoaders.get(context);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const states = await context.services.timeSales.engine.readSales(ids);
      return ids.map((id) => states.get(id) ?? null);
    });
    stateLoaders.set(context, loader);
  }
  return loader;
}

/** Redis is ahead of PostgreSQL (the stream consumer writes behind), so it is asked first. */
/** The sale of a fresh claim from its Redis state (the claim path stays off PostgreSQL), else from PostgreSQL. */
export async function saleOfClaim(context: InventoryContext, saleId: string): Promise<TimeSale> {
  const state = await saleStates(context).load(saleId);
  if (!state) return findTimeSale(context, saleId);
  return Object.assign(new TimeSale(), {
    id: saleId,
    variantId: state.variantId,
    priceAmount: state.price,
    currency: state.currency,
    quantity: state.quantity,
    claimed: state.quantity - state.remaining,
    perMemberLimit: state.perMemberLimit,
    startsAt: state.startsAt,
    endsAt: state.endsAt,
    cancelledAt: state.status === 'CANCELLED' ? new Date(0) : null,
    settledAt: null,
  });
}

export async function remainingOf(context: InventoryContext, sale: TimeSale): Promise<number> {
  const state = sale.settledAt ? null : await saleStates(context).load(sale.id);
  return state ? state.remaining : sale.durableRemaining;
}

export async function statusOf(context: InventoryContext, sale: TimeSale): Promise<TimeSaleStatus> {
  const state = sale.settledAt ? null : await saleStates(context).load(sale.id);
  return timeSaleStatus(sale, { present: state !== null, cancelled: state?.status === 'CANCELLED' }, new Date());
}

function checkoutClaimOf(claim: ClaimState, sale: { variantId: string; price: number; currency: string }): CheckoutClaim {
  const expired = claim.status === 'HELD' && claim.expiresAt.getTime() <= Date.now();
  return Object.assign(new CheckoutClaim(), {
    claimId: claim.id,
    saleId: claim.saleId,
    memberId: claim.memberId,
    variantId: sale.variantId,
    quantity: claim.quantity,
    unitPrice: sale.price,
    currency: sale.currency,
    expiresAt: claim.expiresAt,
    status: expired ? 'EXPIRED' : claim.status,
  });
}

/** A claim for checkout: from Redis first (the stream may not have reached PostgreSQL yet), else from PostgreSQL. */
export async function claimForCheckout(context: InventoryContext, claimId: string): Promise<CheckoutClaim | null> {
  const saleId = saleIdOfClaim(claimId);
  if (!saleId) return null;
  const { engine } = context.services.timeSales;
  const [claim, state] = await Promise.all([engine.readClaim(claimId), engine.readSale(saleId)]);
  if (claim && state) return checkoutClaimOf(claim, state);
  const record = await context.em.findOne(TimeSaleClaimRecord, claimId);
  const sale = record ? await context.em.findOne(TimeSale, record.saleId) : null;
  if (!record || !sale) return null;
  return checkoutClaimOf({ ...record, orderKey: record.orderKey }, { variantId: sale.variantId, price: sale.priceAmount, currency: sale.currency });
}

/** Runs `step` and, when Redis holds no state for the sale, rebuilds it from PostgreSQL and runs it once more. */
async function withState<T>(context: InventoryContext, saleId: string, step: () => Promise<T>, paused: (result: T) => boolean): Promise<T> {
  const first = await step();
  if (!paused(first)) return first;
  const rebuilt = await context.services.timeSales.keeper.rebuild(saleId);
  return rebuilt === 'LOADED' || rebuilt === 'PRESENT' ? step() : first;
}

/**
 * Checkout sells a held claim to `orderKey`. Redis decides (the claim can no longer expire); PostgreSQL
 * then records it and sells the units (on_hand and reserved drop, SALE movement) in one transaction,
 * idempotently with the stream consumer, which applies the same event. True when consumed by this key, now or
 * before (checkout asks again when an answer was lost); false only when it is not and will not be. Every refusal
 * of the request itself comes before anything is decided.
 */
export async function consumeClaim(context: InventoryContext, claimId: string, orderKey: string): Promise<boolean> {
  if (orderKey.length < 1 || orderKey.length > 200) throw badUserInput('orderKey must be 1 to 200 characters.', 'orderKey');
  const viewer = requireViewer(context) as Viewer;
  const saleId = saleIdOfClaim(claimId);
  if (!saleId) return false;
  const { engine } = context.services.timeSales;
  const { outcome, claim } = await withState(context, saleId, () => engine.consume(claimId, orderKey), (r) => r.outcome === 'SALE_PAUSED');
  if (outcome === 'SALE_PAUSED') return consumedWithoutState(context, saleId, claimId, orderKey);
  if (outcome !== 'CONSUMED' || !claim) return false;
  await inStockTransaction(context, (tx, changes) => applyClaimEvent(tx, changes, { type: 'CONSUMED', claim }, actorOf(viewer)));
  return true;
}

/**
 * Whether the claim was sold to `orderKey`, when Redis holds no state for its sale and none could be loaded. A
 * settled sale's state expires, but PostgreSQL then holds every claim as it ended (a sale settles only once its
 * stream is written and none is held). Otherwise another replica is rebuilding the state: "no" would be a guess, and
 * a checkout told "no" after its claim was consumed would cancel an order whose units are sold, so it asks again.
 */
async function consumedWithoutState(context: InventoryContext, saleId: string, claimId: string, orderKey: string): Promise<boolean> {
  const em = context.em.fork();
  const sale = await em.findOne(TimeSale, saleId);
  if (!sale) return false;
  if (sale.settledAt) {
    const stored = await em.findOne(TimeSaleClaimRecord, claimId);
    return stored?.status === 'CONSUMED' && stored.orderKey === orderKey;
  }
  throw unavailable('The time-sale is being restored; ask again shortly.');
}

/** A cancelled checkout gives the claim's units back to the sale. True when they are back (now or before). */
export async function releaseClaim(context: InventoryContext, claimId: string): Promise<boolean> {
  const saleId = saleIdOfClaim(claimId);
  if (!saleId) return false;
  const { engine } = context.services.timeSales;
  const outcome = await withState(context, saleId, () => engine.release(claimId), (r) => r === 'SALE_PAUSED');
  return outcome === 'RELEASED' || outcome === 'EXPIRED';
}

export async function reconcile(context: InventoryContext, saleId: string) {
  const report = await reconcileTimeSale({ em: context.em, engine: context.services.timeSales.engine }, requireUuid(saleId, 'saleId'));
  if (!report) throw notFound('TimeSale', saleId);
  return report;
}
