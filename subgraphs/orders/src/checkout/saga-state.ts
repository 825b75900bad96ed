/**
 * Saga states, in the order a checkout goes through them. The forward states name the step about to run
 * (written before the step's call, so after a crash the step may or may not have happened: every call
 * is idempotent and every compensation tolerates "never happened").
 *
 *   RESERVING_STOCK → RESERVING_COUPON → RESERVING_POINTS → AUTHORIZING_PAYMENT → CONFIRMING → COMPLETED
 *          └───────────────┴──────────────────┴───────────────────┴──────────────┴→ COMPENSATING → FAILED
 *
 * CONFIRMING commits the stock (or consumes the time-sale claim) first: that is the pivot. Before it any
 * failure compensates; after it the saga only moves forward (confirm coupon and points, capture payment),
 * retried by recovery until done.
 */
export enum SagaState {
  RESERVING_STOCK = 'RESERVING_STOCK',
  RESERVING_COUPON = 'RESERVING_COUPON',
  RESERVING_POINTS = 'RESERVING_POINTS',
  AUTHORIZING_PAYMENT = 'AUTHORIZING_PAYMENT',
  CONFIRMING = 'CONFIRMING',
  COMPLETED = 'COMPLETED',
  COMPENSATING = 'COMPENSATING',
  FAILED = 'FAILED',
}

export const TERMINAL_STATES = [SagaState.COMPLETED, SagaState.FAILED];

/** The fault hook's step names (config SAGA_FAULT). */
export type SagaStep = 'RESERVE_STOCK' | 'RESERVE_COUPON' | 'RESERVE_POINTS' | 'AUTHORIZE_PAYMENT' | 'CONFIRM';

export interface SagaFault {
  step: SagaStep;
  /** fail: throw right after the step's effect (compensation follows); crash: stop dead as if the process died. */
  mode: 'fail' | 'crash';
}

export function parseSagaFault(value: string | undefined): SagaFault | null {
  if (!value) return null;
  const [step, mode = 'fail'] = value.split(':');
  return { step: step as SagaStep, mode: mode as SagaFault['mode'] };
}

/** Everything the saga needs, fixed when the checkout starts. */
export interface SagaPlan {
  memberId: string;
  storeId: string;
  currency: string;
  lines: {
    variantId: string;
    productId: string;
    storeId: string;
    categoryId: string | null;
    sku: string;
    name: string;
    unitPrice: number;
    quantity: number;
  }[];
  couponId: string | null;
  /** The coupon's template, as the coupon's reservation named it (set by that step, so absent until then). */
  couponTemplateId?: string | null;
  pointsRequested: number;
  claimId: string | null;
  cartLineIds: string[];
  paymentMethod: string;
}

export interface SagaRow {
  id: string;
  member_id: string;
  state: SagaState;
  plan: SagaPlan;
  discount_amount: number;
  points_amount: number;
  payment_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  log: string[];
}
