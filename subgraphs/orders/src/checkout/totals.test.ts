import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allocateTotals, computeTotals } from './totals.js';

const line = fc.record({ unitPrice: fc.integer({ min: 0, max: 5_000_000 }), quantity: fc.integer({ min: 1, max: 50 }) });
const lines = fc.array(line, { minLength: 1, maxLength: 20 });
const amount = fc.integer({ min: 0, max: 500_000_000 });

describe('checkout totals (property tests)', () => {
  it('total = subtotal − discount − points, nothing negative, nothing over what was asked', () => {
    fc.assert(
      fc.property(lines, amount, amount, (priced, coupon, points) => {
        const totals = computeTotals(priced, coupon, points);
        expect(totals.subtotal).toBe(priced.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0));
        expect(totals.total).toBe(totals.subtotal - totals.discount - totals.points);
        for (const value of Object.values(totals)) {
          expect(Number.isSafeInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
        expect(totals.discount).toBeLessThanOrEqual(coupon);
        expect(totals.points).toBeLessThanOrEqual(points);
        // Points are only cut when they would pay more than is due, and then they pay all of it.
        if (totals.points < points) expect(totals.total).toBe(0);
        if (totals.discount < coupon) expect(totals.subtotal - totals.discount).toBe(0);
      }),
    );
  });

  it('line shares add up exactly to the discount and to the points, and never exceed a line', () => {
    fc.assert(
      fc.property(lines, amount, amount, (priced, coupon, points) => {
        const totals = computeTotals(priced, coupon, points);
        const shares = allocateTotals(priced, totals);
        expect(shares.reduce((sum, s) => sum + s.discount, 0)).toBe(totals.discount);
        expect(shares.reduce((sum, s) => sum + s.points, 0)).toBe(totals.points);
        shares.forEach((share, index) => {
          expect(share.discount).toBeGreaterThanOrEqual(0);
          expect(share.points).toBeGreaterThanOrEqual(0);
          expect(share.discount + share.points).toBeLessThanOrEqual(priced[index]!.unitPrice * priced[index]!.quantity);
        });
      }),
    );
  });

  it('allocation is proportional within one unit and deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 30 }), fc.nat(), (weights, seed) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        const total = sum === 0 ? 0 : seed % (sum + 1);
        const shares = allocate(total, weights);
        expect(shares).toEqual(allocate(total, weights));
        shares.forEach((share, index) => {
          const exact = sum === 0 ? 0 : (total * weights[index]!) / sum;
          expect(Math.abs(share - exact)).toBeLessThan(1 + 1e-9);
        });
      }),
    );
  });

  it('refuses amounts that are not non-negative integers', () => {
    expect(() => computeTotals([{ unitPrice: 1.5, quantity: 1 }], 0, 0)).toThrow(RangeError);
    expect(() => computeTotals([{ unitPrice: 100, quantity: 1 }], -1, 0)).toThrow(RangeError);
    expect(() => allocate(11, [5, 5])).toThrow(RangeError);
  });
});
