import { badUserInput, conflict, type ErrorResult, forbidden, MAX_MONEY_AMOUNT, notFound, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import type { CartService } from '../cart/cart.service.js';
import { OrderLine } from '../order-line/order-line.entity.js';
import { Order } from '../order/order.entity.js';
import type { Upstream } from '../upstream/upstream.js';
import type { CheckoutInput } from './checkout.types.js';
import { failureResult } from './checkout.types.js';
import { type SagaPlan, type SagaRow, SagaState } from './saga-state.js';
import type { SagaRunner } from './saga-runner.js';
import { subtotalOf } from './totals.js';

const POINTS_CURRENCY = 'KRW';
const WAIT_FOR_OUTCOME_MS = 20_000;

export interface CheckoutDeps {
  em: EntityManager;
  upstream: Upstream;
  carts: CartService;
  saga: SagaRunner;
  leaseMs: number;
}

function requestHash(memberId: string, input: CheckoutInput): string {
  const normalized = {
    memberId,
    cartLineIds: [...(input.cartLineIds ?? [])].sort(),
    timeSaleClaimId: input.timeSaleClaimId ?? null,
    couponId: input.couponId ?? null,
    pointsToUse: input.pointsToUse ?? 0,
    paymentMethod: input.paymentMethod,
  };
  return createHash('sha256').update(JSON.stringify(normalized)).digest('hex');
}

function checkInput(input: CheckoutInput) {
  const key = input.idempotencyKey;
  if (key.length < 1 || key.length > 100) throw badUserInput('idempotencyKey must be 1 to 100 characters.', 'idempotencyKey');
  const byCart = (input.cartLineIds?.length ?? 0) > 0;
  if (byCart === !!input.timeSaleClaimId) throw badUserInput('Give either cartLineIds or timeSaleClaimId.', 'cartLineIds');
  if (!Number.isInteger(input.pointsToUse) || input.pointsToUse < 0) throw badUserInput('pointsToUse must be a whole number ≥ 0.', 'pointsToUse');
  if (!input.paymentMethod || input.paymentMethod.length > 100) throw badUserInput('paymentMethod is required.', 'paymentMethod');
  if (input.couponId) requireUuid(input.couponId, 'couponId');
}

/** A thrown checkout refusal that is still a typed result (e.g. the claim expired before any saga started). */
class Refusal extends Error {
  constructor(readonly result: ErrorResult) {
    super(result.message);
  }
}

async function planFromCart(deps: CheckoutDeps, memberId: string, input: CheckoutInput): Promise<Omit<SagaPlan, 'couponId' | 'pointsRequested' | 'paymentMethod' | 'claimId'>> {
  const lineIds = [...new Set(input.cartLineIds!.map((id) => requireUuid(id, 'cartLineIds')))];
  const stored = new Map((await deps.carts.storedLines(memberId)).map((line) => [line.id, line]));
  const chosen = lineIds.map((id) => {
    const line = stored.get(id);
    if (!line) throw notFound('CartLine', id);
    return line;
  });
  const variants = await deps.upstream.checkoutVariants(chosen.map((line) => line.variantId));
  const lines = chosen.map((line) => {
    const variant = variants.get(line.variantId);
    if (!variant) throw new Refusal(failureResult('OUT_OF_STOCK', `Variant ${line.variantId} is no longer sold.`));
    return { ...variant, unitPrice: variant.price, quantity: line.quantity };
  });
  return { memberId, ...commonOf(lines), lines: lines.map(planLine), cartLineIds: lineIds };
}

async function planFromClaim(deps: CheckoutDeps, memberId: string, claimId: string) {
  // Claim ids are inventory's to shape (not necessarily UUIDs): only their length is checked here.
  if (claimId.length < 1 || claimId.length > 200) throw badUserInput('timeSaleClaimId is not a valid ID.', 'timeSaleClaimId');
  const claim = await deps.upstream.timeSaleClaim(claimId);
  if (!claim) throw notFound('TimeSaleClaim', claimId);
  if (claim.memberId !== memberId) throw forbidden('This claim belongs to another member.');
  if (claim.status !== 'HELD' || new Date(claim.expiresAt).getTime() <= Date.now()) {
    throw new Refusal(failureResult('CLAIM_EXPIRED', `The claim is ${claim.status === 'HELD' ? 'EXPIRED' : claim.status}.`));
  }
  const variant = (await deps.upstream.checkoutVariants([claim.variantId])).get(claim.variantId);
  if (!variant) throw new Refusal(failureResult('OUT_OF_STOCK', `Variant ${claim.variantId} is no longer sold.`));
  const lines = [{ ...variant, unitPrice: claim.unitPrice, currency: claim.currency, quantity: claim.quantity }];
  return { memberId, ...commonOf(lines), lines: lines.map(planLine), cartLineIds: [] };
}

type PlanSource = { variantId: string; productId: string; storeId: string; categoryId: string | null; sku: string; name: string; unitPrice: number; quantity: number; currency: string };

const planLine = ({ variantId, productId, storeId, categoryId, sku, name, unitPrice, quantity }: PlanSource) => ({
  variantId, productId, storeId, categoryId, sku, name, unitPrice, quantity,
});

/**
 * One store and one currency per order: the seller's lifecycle and the settlement stay exact. And a total an order can
 * show: its amounts are 32-bit (Money), and its columns too, so a larger one failed in the database at the insert.
 */
function commonOf(lines: PlanSource[]) {
  const stores = new Set(lines.map((line) => line.storeId));
  const currencies = new Set(lines.map((line) => line.currency));
  if (stores.size !== 1) throw badUserInput('An order holds one store’s lines; check out each store separately.', 'cartLineIds');
  if (currencies.size !== 1) throw badUserInput('An order is paid in one currency.', 'cartLineIds');
  if (subtotalOf(lines) > MAX_MONEY_AMOUNT) {
    throw badUserInput(`The order's lines add up to more than ${MAX_MONEY_AMOUNT}; check out fewer units at a time.`, 'cartLineIds');
  }
  return { storeId: lines[0]!.storeId, currency: lines[0]!.currency };
}

/**
 * Places an order: the order (PENDING_PAYMENT) and its saga are written in one transaction, keyed by
 * (member, idempotency key), then the saga runs. A repeated key (concurrent or later) gets the first
 * call's outcome and starts nothing; the same key with a different request is refused.
 */
export async function checkout(deps: CheckoutDeps, memberId: string, input: CheckoutInput): Promise<Order | ErrorResult> {
  checkInput(input);
  const hash = requestHash(memberId, input);
  const existing = await findSaga(deps.em, memberId, input.idempotencyKey);
  if (existing) return outcomeOf(deps, existing.id, hash);

  if (!(await deps.upstream.memberCanPurchase(memberId))) throw forbidden('Verify your email before buying.');
  let base;
  try {
    base = input.timeSaleClaimId ? await planFromClaim(deps, memberId, input.timeSaleClaimId) : await planFromCart(deps, memberId, input);
  } catch (error) {
    if (error instanceof Refusal) return error.result;
    throw error;
  }
  if (input.pointsToUse > 0 && base.currency !== POINTS_CURRENCY) throw badUserInput(`Points pay for ${POINTS_CURRENCY} orders only.`, 'pointsToUse');
  const plan: SagaPlan = {
    ...base,
    couponId: input.couponId ?? null,
    pointsRequested: input.pointsToUse,
    claimId: input.timeSaleClaimId ?? null,
    paymentMethod: input.paymentMethod,
  };

  const orderId = await deps.em.fork().transactional(async (tx) => {
    if (await cartLinesTaken(tx, memberId, input.idempotencyKey, plan.cartLineIds)) {
      throw conflict('These cart lines are in another checkout; wait for its answer, or ask again with its idempotencyKey.');
    }
    const order = tx.create(Order, {
      number: '',
      buyerId: memberId,
      storeId: plan.storeId,
      issuedCouponId: plan.couponId,
      timeSaleClaimId: plan.claimId,
      paymentMethod: plan.paymentMethod,
      currency: plan.currency,
      subtotalAmount: subtotalOf(plan.lines),
      totalAmount: subtotalOf(plan.lines),
    });
    const inserted = await tx.execute(
      `insert into "orders"."checkout_saga" ("id", "member_id", "idempotency_key", "request_hash", "state", "plan", "lease_until", "lease_owner")
       values (?, ?, ?, ?, ?, ?::jsonb, clock_timestamp() + make_interval(secs => ?), ?)
       on conflict ("member_id", "idempotency_key") do nothing returning "id"`,
      [order.id, memberId, input.idempotencyKey, hash, SagaState.RESERVING_STOCK, JSON.stringify(plan), deps.leaseMs / 1000, deps.saga.owner],
    );
    // A concurrent call with this key got in first: write nothing, answer with its outcome.
    if (inserted.length === 0) {
      tx.clear();
      return null;
    }
    const [row] = await tx.execute<{ number: string }[]>(`select 'O-' || lpad(nextval('"orders"."order_number_seq"')::text, 8, '0') as "number"`);
    order.number = row!.number;
    for (const line of plan.lines) {
      tx.create(OrderLine, {
        orderId: order.id,
        variantId: line.variantId,
        quantity: line.quantity,
        unitPriceAmount: line.unitPrice,
        productId: line.productId,
        storeId: line.storeId,
        categoryId: line.categoryId,
        sku: line.sku,
        name: line.name,
      });
    }
    return order.id;
  });
  if (!orderId) {
    const winner = (await findSaga(deps.em, memberId, input.idempotencyKey))!;
    return outcomeOf(deps, winner.id, hash);
  }
  await deps.saga.run(orderId);
  return outcomeOf(deps, orderId, hash);
}

/**
 * Whether another checkout of the member's (another idempotency key) holds one of these cart lines: one running, or
 * one that completed (its lines leave the cart only after it). A failed one holds none, so the lines can be bought
 * again at once. A member's checkouts take turns here, under a lock held until their transaction ends, so of two
 * racing for one line (a double click with two keys) the second sees the first's saga.
 */
async function cartLinesTaken(tx: EntityManager, memberId: string, idempotencyKey: string, cartLineIds: string[]): Promise<boolean> {
  if (cartLineIds.length === 0) return false;
  await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`checkout:${memberId}`]);
  const taken = await tx.execute<unknown[]>(
    `select 1 from "orders"."checkout_saga"
     where "member_id" = ? and "idempotency_key" <> ? and "state" <> 'FAILED' and "failure_code" is null
       and jsonb_exists_any("plan"->'cartLineIds', string_to_array(?, ','))
     limit 1`,
    // Joined: the ids are UUIDs (checked when planned), and one text parameter is sent as is by every driver.
    [memberId, idempotencyKey, cartLineIds.join(',')],
  );
  return taken.length > 0;
}

async function findSaga(em: EntityManager, memberId: string, key: string) {
  const [row] = await em
    .fork()
    .execute<{ id: string }[]>(`select "id" from "orders"."checkout_saga" where "member_id" = ? and "idempotency_key" = ?`, [memberId, key]);
  return row ?? null;
}

/** Waits (bounded) for a saga to finish, then answers as the first call did. */
async function outcomeOf(deps: CheckoutDeps, sagaId: string, hash: string): Promise<Order | ErrorResult> {
  const deadline = Date.now() + WAIT_FOR_OUTCOME_MS;
  for (;;) {
    const [saga] = await deps.em
      .fork()
      .execute<(SagaRow & { request_hash: string })[]>(`select * from "orders"."checkout_saga" where "id" = ?`, [sagaId]);
    if (saga!.request_hash !== hash) throw conflict('This idempotencyKey was used for a different checkout.');
    if (saga!.state === SagaState.COMPLETED) return deps.em.fork().findOneOrFail(Order, sagaId);
    // A failed saga answers with its refusal, also while its compensation is still under way.
    if (saga!.failure_code) return failureResult(saga!.failure_code, saga!.failure_message ?? 'The checkout failed.');
    if (Date.now() > deadline) throw conflict('This checkout is still being processed; ask again with the same idempotencyKey.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
