import { CLIENT_ERROR_CODES, type Orm } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { OrderLine } from '../order-line/order-line.entity.js';
import { OrderStatus } from '../order/order-status.js';
import { Order } from '../order/order.entity.js';
import type { PaymentProvider } from '../payment/payment-provider.js';
import type { Refusal, Upstream } from '../upstream/upstream.js';
import { type SagaFault, type SagaRow, SagaState, type SagaStep } from './saga-state.js';
import { allocateTotals, computeTotals } from './totals.js';

/** Thrown by the fault hook in crash mode: the runner stops without touching the saga, as a dead process would. */
export class SagaHalted extends Error {
  override name = 'SagaHalted';
}

/** Another runner took the saga over (this one outlived its lease): stop without touching it further. */
class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** A business refusal: the saga compensates and the member gets this code as a typed result. */
class SagaRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const refused = (refusal: Refusal) => new SagaRefused(refusal.code, refusal.message);

/** A callee's GraphQL error with a client code: it refused the request as such, before doing anything. */
const refusedBeforeAnyEffect = (error: unknown) =>
  CLIENT_ERROR_CODES.has(String((error as { extensions?: { code?: unknown } }).extensions?.code ?? ''));

/** Pauses before asking the pivot again within the member's request; then recovery asks. */
const PIVOT_RETRY_DELAYS_MS = [100, 400];

/**
 * The pivot's call, asked again (it is idempotent by the order's key) when no answer came back: a lost answer
 * usually resolves within the member's checkout instead of leaving the saga to recovery. `beforeAskingAgain` renews
 * the lease, so that no other runner asks at the same time.
 */
async function askAgainWhileUnanswered<T>(call: () => Promise<T>, beforeAskingAgain: () => Promise<void>): Promise<T> {
  for (const delayMs of PIVOT_RETRY_DELAYS_MS) {
    try {
      return await call();
    } catch (error) {
      if (refusedBeforeAnyEffect(error)) throw error;
      await setTimeout(delayMs);
      await beforeAskingAgain();
    }
  }
  return call();
}

/** The pivot went unanswered: recovery asks again, later each time. */
class PivotUnanswered extends Error {
  override name = 'PivotUnanswered';
}

/** Longest wait between two recoveries of a saga whose pivot goes unanswered. */
const MAX_PIVOT_BACKOFF_MS = 10 * 60_000;

export interface SagaRunnerOptions {
  orm: Orm;
  upstream: Upstream;
  payments: PaymentProvider;
  leaseMs: number;
  stockHoldSeconds: number;
  fault: SagaFault | null;
  /** Called once a saga completes (e.g. to take its lines out of the cart). */
  onCompleted?: (saga: SagaRow) => Promise<void>;
  log?: (message: string) => void;
}

const FORWARD: Record<string, SagaState> = {
  [SagaState.RESERVING_STOCK]: SagaState.RESERVING_COUPON,
  [SagaState.RESERVING_COUPON]: SagaState.RESERVING_POINTS,
  [SagaState.RESERVING_POINTS]: SagaState.AUTHORIZING_PAYMENT,
  [SagaState.AUTHORIZING_PAYMENT]: SagaState.CONFIRMING,
};

/**
 * Runs checkout sagas whose state lives in `checkout_saga`. Whoever runs a saga holds its lease (renewed
 * at every step); a saga whose lease ran out (its process died) is taken over by `recover()`, which
 * compensates one caught before its pivot and finishes one past it.
 */
export class SagaRunner {
  /** The fault hook; tests set it per case (config SAGA_FAULT sets it at start). */
  fault: SagaFault | null;
  /** This runner's lease name; a new saga is written already leased to the runner that will drive it. */
  readonly owner = randomUUID();
  /** Sagas this runner is driving now: the lease keeps other processes out, this keeps a second call of ours out. */
  private readonly running = new Set<string>();

  constructor(private readonly options: SagaRunnerOptions) {
    this.fault = options.fault;
  }

  private em(): EntityManager {
    return this.options.orm.em.fork() as EntityManager;
  }

  private injectFault(step: SagaStep) {
    if (this.fault?.step !== step) return;
    if (this.fault.mode === 'crash') throw new SagaHalted(`Injected crash at ${step}`);
    throw new Error(`Injected failure at ${step}`);
  }

  async load(id: string): Promise<SagaRow | null> {
    const [row] = await this.em().execute<SagaRow[]>(`select * from "orders"."checkout_saga" where "id" = ?`, [id]);
    return row ?? null;
  }

  /** Takes (or renews) the lease; false when another live runner holds it. */
  private async claim(id: string): Promise<boolean> {
    const rows = await this.em().execute(
      `update "orders"."checkout_saga" set "lease_until" = clock_timestamp() + make_interval(secs => ?), "lease_owner" = ?, "attempts" = "attempts" + 1
       where "id" = ? and "state" not in ('COMPLETED', 'FAILED') and ("lease_owner" = ? or "lease_until" < clock_timestamp()) returning "id"`,
      [this.options.leaseMs / 1000, this.owner, id, this.owner],
    );
    return rows.length > 0;
  }

  private async update(id: string, fields: Record<string, unknown>, logEntry?: string): Promise<void> {
    const sets = Object.keys(fields).map((column) => `"${column}" = ?`);
    const values: unknown[] = Object.values(fields);
    if (logEntry) {
      sets.push(`"log" = "log" || ?::jsonb`);
      values.push(JSON.stringify([logEntry]));
    }
    sets.push(`"updated_at" = now()`, `"lease_until" = clock_timestamp() + make_interval(secs => ?)`);
    values.push(this.options.leaseMs / 1000);
    const result = await this.em().execute(
      `update "orders"."checkout_saga" set ${sets.join(', ')} where "id" = ? and "lease_owner" = ? and "state" not in ('COMPLETED', 'FAILED')`,
      [...values, id, this.owner],
      'run',
    );
    if ((result as { affectedRows?: number }).affectedRows !== 1) throw new LeaseLost(`Saga ${id} is no longer ours.`);
  }

  /**
   * Lets recovery take the saga again after a wait that doubles with each unanswered pivot (one lease, two, four…,
   * at most MAX_PIVOT_BACKOFF_MS): a callee that stays down is not asked in a tight loop, and the hold's expiry ends
   * it with a definite answer.
   */
  private async backOff(id: string) {
    await this.em().execute(
      `update "orders"."checkout_saga"
          set "lease_until" = clock_timestamp() + make_interval(secs => least(?, ? * power(2, greatest(0,
            (select count(*) from jsonb_array_elements_text("log") as "entry" where "entry" = 'CONFIRMING:unanswered') - 1))))
        where "id" = ? and "lease_owner" = ?`,
      [MAX_PIVOT_BACKOFF_MS / 1000, this.options.leaseMs / 1000, id, this.owner],
    );
  }

  private async releaseLease(id: string) {
    await this.em().execute(`update "orders"."checkout_saga" set "lease_until" = clock_timestamp() where "id" = ? and "lease_owner" = ?`, [id, this.owner]);
  }

  /**
   * Drives a saga as far as it goes: to COMPLETED or FAILED, or (an outage during compensation or after the
   * pivot) leaves it for recovery. `interrupted` marks a takeover after a crash: a saga before its pivot is
   * compensated rather than pushed forward, since its member got no answer.
   */
  async run(id: string, { interrupted = false } = {}): Promise<SagaRow> {
    if (this.running.has(id)) return (await this.load(id))!;
    this.running.add(id);
    try {
      return await this.runClaimed(id, interrupted);
    } finally {
      this.running.delete(id);
    }
  }

  private async runClaimed(id: string, interrupted: boolean): Promise<SagaRow> {
    if (!(await this.claim(id))) return (await this.load(id))!;
    try {
      let saga = (await this.load(id))!;
      if (interrupted && FORWARD[saga.state]) {
        await this.update(id, { state: SagaState.COMPENSATING, failure_code: 'CHECKOUT_FAILED', failure_message: 'The checkout was interrupted; nothing was charged.' }, 'interrupted');
        saga = (await this.load(id))!;
      }
      while (saga.state !== SagaState.COMPLETED && saga.state !== SagaState.FAILED) {
        if (saga.state === SagaState.COMPENSATING) await this.compensate(saga);
        else if (saga.state === SagaState.CONFIRMING) await this.confirm(saga);
        else await this.forward(saga);
        saga = (await this.load(id))!;
      }
      return saga;
    } catch (error) {
      if (error instanceof SagaHalted) throw error;
      this.options.log?.(`saga ${id}: ${error instanceof Error ? error.message : String(error)}`);
      // Failing to release it only delays the next attempt until the lease runs out.
      const release = error instanceof PivotUnanswered ? this.backOff(id) : this.releaseLease(id);
      await release.catch((failed: Error) => this.options.log?.(`saga ${id}: lease not released: ${failed.message}`));
      return (await this.load(id))!;
    }
  }

  /** One forward step; a refusal or an error turns the saga to compensation. */
  private async forward(saga: SagaRow): Promise<void> {
    try {
      const fields = await this.step(saga);
      await this.update(saga.id, { ...fields, state: FORWARD[saga.state]! }, `${saga.state}:done`);
    } catch (error) {
      if (error instanceof SagaHalted || error instanceof LeaseLost) throw error;
      const [code, message] =
        error instanceof SagaRefused ? [error.code, error.message] : ['CHECKOUT_FAILED', 'A service failed during checkout; nothing was charged.'];
      if (!(error instanceof SagaRefused)) this.options.log?.(`saga ${saga.id} ${saga.state}: ${(error as Error).message}`);
      await this.update(saga.id, { state: SagaState.COMPENSATING, failure_code: code, failure_message: message }, `${saga.state}:failed`);
    }
  }

  private async step(saga: SagaRow): Promise<Record<string, unknown>> {
    const { plan } = saga;
    const { upstream, payments } = this.options;
    switch (saga.state) {
      case SagaState.RESERVING_STOCK: {
        // A time-sale claim already holds its units in inventory; the saga consumes it at confirmation.
        if (!plan.claimId) {
          const held = await upstream.reserveStock(
            saga.id,
            plan.lines.map(({ variantId, quantity }) => ({ variantId, quantity })),
            this.options.stockHoldSeconds,
          );
          if (held !== true) throw refused(held);
        }
        this.injectFault('RESERVE_STOCK');
        return {};
      }
      case SagaState.RESERVING_COUPON: {
        let discount = 0;
        let couponTemplateId: string | null = null;
        if (plan.couponId) {
          const reservation = await upstream.reserveCoupon(
            plan.couponId,
            plan.memberId,
            saga.id,
            plan.lines.map(({ variantId, productId, storeId, categoryId, unitPrice, quantity }) => ({ variantId, productId, storeId, categoryId, unitPrice, quantity })),
          );
          if ('refused' in reservation) throw refused(reservation);
          if (reservation.currency !== plan.currency) throw new SagaRefused('COUPON_NOT_APPLICABLE', `The coupon is in ${reservation.currency}.`);
          discount = reservation.discount;
          couponTemplateId = reservation.templateId;
        }
        this.injectFault('RESERVE_COUPON');
        // The template goes into the plan for the order's `coupon`, written when the order completes.
        return { discount_amount: computeTotals(plan.lines, discount, 0).discount, plan: JSON.stringify({ ...plan, couponTemplateId }) };
      }
      case SagaState.RESERVING_POINTS: {
        const { points } = computeTotals(plan.lines, saga.discount_amount, plan.pointsRequested);
        if (points > 0) {
          const held = await upstream.reservePoints(plan.memberId, saga.id, points);
          if (held !== true) throw refused(held);
        }
        this.injectFault('RESERVE_POINTS');
        return { points_amount: points };
      }
      case SagaState.AUTHORIZING_PAYMENT: {
        const { total } = computeTotals(plan.lines, saga.discount_amount, saga.points_amount);
        let paymentId: string | null = null;
        if (total > 0) {
          const authorization = await payments.authorize({ idempotencyKey: saga.id, amount: total, currency: plan.currency, method: plan.paymentMethod });
          if (authorization.status === 'DECLINED') throw new SagaRefused('PAYMENT_DECLINED', authorization.reason);
          paymentId = authorization.paymentId;
        }
        this.injectFault('AUTHORIZE_PAYMENT');
        return { payment_id: paymentId };
      }
      default:
        throw new Error(`No forward step from ${saga.state}`);
    }
  }

  /** The pivot (commit stock / consume claim), then the confirmations, then the order is PAID. */
  private async confirm(saga: SagaRow): Promise<void> {
    const { plan } = saga;
    const { upstream, payments } = this.options;
    if (!saga.log.includes('PIVOT')) {
      let asked = false;
      try {
        // CONFIRM:fail strikes before the pivot (compensation follows); CONFIRM:crash just after it (recovery finishes).
        if (this.fault?.step === 'CONFIRM' && this.fault.mode === 'fail') throw new Error('Injected failure at CONFIRM');
        asked = true;
        const committed = await askAgainWhileUnanswered(
          () => (plan.claimId ? upstream.consumeClaim(plan.claimId, saga.id) : upstream.commitStock(saga.id)),
          async () => {
            if (!(await this.claim(saga.id))) throw new LeaseLost(`Saga ${saga.id} is no longer ours.`);
          },
        );
        if (!committed) {
          const [code, message] = plan.claimId
            ? ['CLAIM_EXPIRED', 'The time-sale claim expired before the payment went through.']
            : ['OUT_OF_STOCK', 'The stock hold expired before the payment went through.'];
          await this.update(saga.id, { state: SagaState.COMPENSATING, failure_code: code, failure_message: message }, 'CONFIRMING:refused');
          return;
        }
      } catch (error) {
        if (error instanceof SagaHalted || error instanceof LeaseLost) throw error;
        // Asked and not answered, inventory may have sold the units all the same (committed, or consumed the claim, and
        // the answer was lost). Compensating would cancel an order whose goods are gone and whose payment is voided.
        // So the saga stays CONFIRMING and recovery asks again under the same key: sold, the order completes; the hold
        // expired meanwhile, the answer is false and compensation follows. Only a refusal of the request itself
        // (a client error: nothing was done) is compensated at once.
        if (asked && !refusedBeforeAnyEffect(error)) {
          await this.update(saga.id, {}, 'CONFIRMING:unanswered');
          throw new PivotUnanswered(`the pivot went unanswered (${error instanceof Error ? error.message : String(error)})`, { cause: error });
        }
        await this.update(saga.id, { state: SagaState.COMPENSATING, failure_code: 'CHECKOUT_FAILED', failure_message: 'A service failed during checkout; nothing was charged.' }, 'CONFIRMING:failed');
        return;
      }
      await this.update(saga.id, {}, 'PIVOT');
      if (this.fault?.step === 'CONFIRM' && this.fault.mode === 'crash') throw new SagaHalted('Injected crash after the pivot');
    }
    // Past the pivot: holds are made final; an outage here leaves the saga for recovery to retry.
    if (plan.couponId) await upstream.confirmCoupon(saga.id);
    if (saga.points_amount > 0) await upstream.confirmPoints(saga.id);
    if (saga.payment_id && !(await payments.capture(saga.payment_id))) throw new Error(`Payment ${saga.payment_id} could not be captured.`);
    await this.completeOrder(saga);
    // The order stands whatever happens here (e.g. the cart lines stay in the cart): logged, not undone.
    await this.options.onCompleted?.(saga).catch((error: Error) => this.options.log?.(`saga ${saga.id}: after completion: ${error.message}`));
  }

  private async completeOrder(saga: SagaRow): Promise<void> {
    const totals = computeTotals(saga.plan.lines, saga.discount_amount, saga.points_amount);
    const shares = allocateTotals(saga.plan.lines, totals);
    await this.em().transactional(async (tx) => {
      const done = await tx.execute(
        `update "orders"."checkout_saga" set "state" = 'COMPLETED', "updated_at" = now(), "log" = "log" || '["COMPLETED"]'::jsonb
         where "id" = ? and "state" = 'CONFIRMING' and "lease_owner" = ?`,
        [saga.id, this.owner],
        'run',
      );
      if ((done as { affectedRows?: number }).affectedRows !== 1) throw new LeaseLost(`Saga ${saga.id} is no longer ours.`);
      const order = await tx.findOneOrFail(Order, saga.id);
      Object.assign(order, {
        status: OrderStatus.PAID,
        discountAmount: totals.discount,
        pointsUsedAmount: totals.points,
        totalAmount: totals.total,
        paymentId: saga.payment_id,
        paidAt: new Date(),
        couponTemplateId: saga.plan.couponTemplateId ?? null,
      });
      const lines = await tx.find(OrderLine, { orderId: saga.id }, { orderBy: { id: 'asc' } });
      lines.forEach((line, index) => Object.assign(line, { discountAmount: shares[index]!.discount, pointsAmount: shares[index]!.points }));
      await tx.flush();
    });
  }

  /** Undoes every step in reverse; each undo is idempotent and accepts "never happened". */
  private async compensate(saga: SagaRow): Promise<void> {
    const { plan } = saga;
    const { upstream, payments } = this.options;
    await payments.voidByKey(saga.id);
    await upstream.releasePoints(saga.id);
    if (plan.couponId) await upstream.releaseCoupon(saga.id);
    if (!plan.claimId) await upstream.releaseStock(saga.id);
    await this.em().transactional(async (tx) => {
      const done = await tx.execute(
        `update "orders"."checkout_saga" set "state" = 'FAILED', "updated_at" = now(), "log" = "log" || '["FAILED"]'::jsonb
         where "id" = ? and "state" = 'COMPENSATING' and "lease_owner" = ?`,
        [saga.id, this.owner],
        'run',
      );
      if ((done as { affectedRows?: number }).affectedRows !== 1) throw new LeaseLost(`Saga ${saga.id} is no longer ours.`);
      await tx.nativeUpdate(Order, { id: saga.id }, { status: OrderStatus.CANCELLED, cancelledAt: new Date(), cancelReason: saga.failure_code });
    });
  }

  /** Takes over sagas whose runner died (lease run out). Returns how many it drove. */
  async recover(limit = 20): Promise<number> {
    const rows = await this.em().execute<{ id: string }[]>(
      `select "id" from "orders"."checkout_saga" where "state" not in ('COMPLETED', 'FAILED') and "lease_until" < clock_timestamp()
       order by "lease_until" limit ?`,
      [limit],
    );
    for (const { id } of rows) await this.run(id, { interrupted: true });
    return rows.length;
  }
}
