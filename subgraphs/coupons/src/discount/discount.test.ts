import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CouponKind } from '../coupon-template/coupon-kind.js';
import { CouponScope } from '../coupon-template/coupon-scope.js';
import { calculateDiscount, checkLines, type DiscountLine, type DiscountTerms, eligibleSubtotal } from './discount.js';

const ids = ['a', 'b', 'c', 'd'];
const line: fc.Arbitrary<DiscountLine> = fc.record({
  variantId: fc.uuid(),
  productId: fc.constantFrom(...ids),
  storeId: fc.constantFrom(...ids),
  categoryId: fc.option(fc.constantFrom(...ids), { nil: null }),
  unitPrice: fc.integer({ min: 0, max: 3_000_000 }),
  quantity: fc.integer({ min: 1, max: 20 }),
});
const cart = fc.array(line, { minLength: 1, maxLength: 30 });
const scoped = fc.oneof(
  fc.constant({ scope: CouponScope.ALL, scopeIds: [] as string[] }),
  fc.record({
    scope: fc.constantFrom(CouponScope.STORE, CouponScope.CATEGORY, CouponScope.PRODUCTS),
    scopeIds: fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1 }),
  }),
);
const terms: fc.Arbitrary<DiscountTerms> = fc
  .tuple(
    fc.oneof(
      fc.record({ kind: fc.constant(CouponKind.FIXED), value: fc.integer({ min: 1, max: 5_000_000 }), maxDiscountAmount: fc.constant(null) }),
      fc.record({
        kind: fc.constant(CouponKind.PERCENT),
        value: fc.integer({ min: 1, max: 100 }),
        maxDiscountAmount: fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: null }),
      }),
    ),
    scoped,
    fc.integer({ min: 0, max: 500_000 }),
  )
  .map(([money, scope, minOrderAmount]) => ({ ...money, ...scope, minOrderAmount }));

describe('calculateDiscount (property-based)', () => {
  it('is an integer, never negative, never above the eligible subtotal or the cap', () => {
    fc.assert(
      fc.property(terms, cart, (t, lines) => {
        expect(checkLines(lines)).toBeNull();
        const outcome = calculateDiscount(t, lines);
        expect(outcome.eligibleSubtotal).toBe(eligibleSubtotal(t, lines));
        if (!outcome.applies) return;
        expect(Number.isSafeInteger(outcome.discount)).toBe(true);
        expect(outcome.discount).toBeGreaterThanOrEqual(0);
        expect(outcome.discount).toBeLessThanOrEqual(outcome.eligibleSubtotal);
        if (t.maxDiscountAmount !== null) expect(outcome.discount).toBeLessThanOrEqual(t.maxDiscountAmount);
        if (t.kind === CouponKind.FIXED) expect(outcome.discount).toBeLessThanOrEqual(t.value);
      }),
      { numRuns: 2_000 },
    );
  });

  it('rounds a percentage down to the whole won: the discount never exceeds the exact percentage and misses it by less than 1', () => {
    fc.assert(
      fc.property(terms.filter((t) => t.kind === CouponKind.PERCENT && t.maxDiscountAmount === null), cart, (t, lines) => {
        const outcome = calculateDiscount(t, lines);
        if (!outcome.applies) return;
        // In integers: discount × 100 ≤ eligible × value < (discount + 1) × 100.
        expect(outcome.discount * 100).toBeLessThanOrEqual(outcome.eligibleSubtotal * t.value);
        expect((outcome.discount + 1) * 100).toBeGreaterThan(outcome.eligibleSubtotal * t.value);
      }),
      { numRuns: 2_000 },
    );
  });

  it('applies exactly when some lines are in scope and they reach the minimum', () => {
    fc.assert(
      fc.property(terms, cart, (t, lines) => {
        const eligible = eligibleSubtotal(t, lines);
        expect(calculateDiscount(t, lines).applies).toBe(eligible > 0 && eligible >= t.minOrderAmount);
      }),
      { numRuns: 2_000 },
    );
  });

  it('ignores lines outside the scope: adding them never changes the discount', () => {
    fc.assert(
      fc.property(terms.filter((t) => t.scope === CouponScope.STORE), cart, line, (t, lines, extra) => {
        const outside = { ...extra, storeId: 'outside' };
        expect(calculateDiscount(t, [...lines, outside])).toEqual(calculateDiscount(t, lines));
      }),
    );
  });

  it('is monotone: a bigger eligible cart never gets a smaller discount', () => {
    fc.assert(
      fc.property(terms, cart, line, (t, lines, extra) => {
        const before = calculateDiscount(t, lines);
        const after = calculateDiscount(t, [...lines, extra]);
        if (before.applies) {
          expect(after.applies).toBe(true);
          if (after.applies) expect(after.discount).toBeGreaterThanOrEqual(before.discount);
        }
      }),
    );
  });

  it('has worked examples of the rounding rule', () => {
    const percent = (value: number, cap: number | null = null): DiscountTerms => ({
      kind: CouponKind.PERCENT, value, maxDiscountAmount: cap, minOrderAmount: 0, scope: CouponScope.ALL, scopeIds: [],
    });
    const lines = (amount: number): DiscountLine[] => [{ variantId: 'v', productId: 'p', storeId: 's', unitPrice: amount, quantity: 1 }];
    expect(calculateDiscount(percent(10), lines(12_345))).toMatchObject({ discount: 1_234 });
    expect(calculateDiscount(percent(33), lines(999))).toMatchObject({ discount: 329 });
    expect(calculateDiscount(percent(10, 5_000), lines(80_000))).toMatchObject({ discount: 5_000 });
    expect(calculateDiscount(percent(1), lines(99))).toMatchObject({ applies: true, discount: 0 });
    expect(calculateDiscount({ ...percent(10), kind: CouponKind.FIXED, value: 3_000 }, lines(2_000))).toMatchObject({ discount: 2_000 });
  });

  it('refuses carts whose total would not fit a GraphQL Int', () => {
    expect(checkLines([{ variantId: 'v', productId: 'p', storeId: 's', unitPrice: 2_000_000_000, quantity: 2 }])).toMatch(/more than/);
    expect(checkLines([{ variantId: 'v', productId: 'p', storeId: 's', unitPrice: -1, quantity: 1 }])).toMatch(/unitPrice/);
    expect(checkLines([])).toMatch(/at least one/);
  });
});
