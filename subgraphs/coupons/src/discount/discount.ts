import { MAX_MONEY_AMOUNT } from '@commerce/kit';
import { CouponKind } from '../coupon-template/coupon-kind.js';
import { CouponScope } from '../coupon-template/coupon-scope.js';

/** One cart line as the orders subgraph describes it; amounts are integer minor units (KRW: won). */
export interface DiscountLine {
  variantId: string;
  productId: string;
  storeId: string;
  categoryId?: string | null;
  unitPrice: number;
  quantity: number;
}

/** The parts of a coupon template the calculation reads. */
export interface DiscountTerms {
  kind: CouponKind;
  /** FIXED: amount off; PERCENT: 1 to 100. */
  value: number;
  /** Cap of a PERCENT discount; null for none. */
  maxDiscountAmount: number | null;
  minOrderAmount: number;
  scope: CouponScope;
  scopeIds: readonly string[];
}

export type DiscountOutcome =
  | { applies: true; discount: number; eligibleSubtotal: number }
  | { applies: false; reason: 'NO_ELIGIBLE_LINES' | 'BELOW_MINIMUM'; eligibleSubtotal: number };

function lineIsEligible(terms: DiscountTerms, line: DiscountLine): boolean {
  switch (terms.scope) {
    case CouponScope.ALL:
      return true;
    case CouponScope.STORE:
      return terms.scopeIds.includes(line.storeId);
    case CouponScope.CATEGORY:
      return line.categoryId != null && terms.scopeIds.includes(line.categoryId);
    case CouponScope.PRODUCTS:
      return terms.scopeIds.includes(line.productId);
  }
}

/** The sum of the lines the coupon's scope covers. Callers validate lines first (see `checkLines`). */
export function eligibleSubtotal(terms: DiscountTerms, lines: readonly DiscountLine[]): number {
  return lines.filter((line) => lineIsEligible(terms, line)).reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
}

/**
 * The one discount calculation, on integer money.
 *
 * - Only lines in the coupon's scope count ("eligible subtotal"); the minimum order amount applies to that
 *   subtotal too, so buying from store B cannot unlock store A's coupon.
 * - FIXED: min(value, eligible subtotal).
 * - PERCENT: floor(eligible subtotal × value / 100), then at most maxDiscount. Rounding rule: a percentage
 *   is always rounded DOWN to the whole minor unit (won), so the discount never exceeds the exact
 *   percentage; computed in integers (no float ever holds money).
 *
 * Hence 0 ≤ discount ≤ eligible subtotal, and discount ≤ maxDiscount when there is one.
 */
export function calculateDiscount(terms: DiscountTerms, lines: readonly DiscountLine[]): DiscountOutcome {
  const eligible = eligibleSubtotal(terms, lines);
  if (eligible <= 0) return { applies: false, reason: 'NO_ELIGIBLE_LINES', eligibleSubtotal: eligible };
  if (eligible < terms.minOrderAmount) return { applies: false, reason: 'BELOW_MINIMUM', eligibleSubtotal: eligible };
  let discount: number;
  if (terms.kind === CouponKind.FIXED) {
    discount = Math.min(terms.value, eligible);
  } else {
    // eligible ≤ 2^31 and value ≤ 100, so the product stays far inside exact integer range.
    discount = Math.floor((eligible * terms.value) / 100);
    if (terms.maxDiscountAmount !== null) discount = Math.min(discount, terms.maxDiscountAmount);
  }
  discount = Math.max(0, Math.min(discount, eligible));
  return { applies: true, discount, eligibleSubtotal: eligible };
}

/** Why a list of lines cannot be priced, or null when it can. Keeps every sum inside a GraphQL Int. */
export function checkLines(lines: readonly DiscountLine[]): string | null {
  if (lines.length === 0) return 'lines must name at least one cart line.';
  if (lines.length > 500) return 'lines may name at most 500 cart lines.';
  let total = 0;
  for (const line of lines) {
    if (!Number.isInteger(line.unitPrice) || line.unitPrice < 0) return 'unitPrice must be a whole amount of at least 0.';
    if (!Number.isInteger(line.quantity) || line.quantity < 1) return 'quantity must be a whole number of at least 1.';
    total += line.unitPrice * line.quantity;
    if (total > MAX_MONEY_AMOUNT) return `The lines add up to more than ${MAX_MONEY_AMOUNT}.`;
  }
  return null;
}
