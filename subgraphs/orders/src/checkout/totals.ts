/**
 * Checkout arithmetic on integer minor units. Rules (property-tested in totals.test.ts):
 * - subtotal = Σ unitPrice × quantity;
 * - the coupon's discount is capped at the subtotal;
 * - points pay at most what is left after the discount (any excess asked for is simply not taken);
 * - total = subtotal − discount − points ≥ 0;
 * - discount and points are spread over the lines by the largest-remainder method: each line's share is
 *   proportional to its amount, rounded down, and the leftover units go to the largest remainders
 *   (ties: earlier line first), so the shares add up exactly and no line goes below zero.
 */
export interface PricedLine {
  unitPrice: number;
  quantity: number;
}

export interface Totals {
  subtotal: number;
  discount: number;
  points: number;
  total: number;
}

function checkAmount(value: number, name: string) {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

export function subtotalOf(lines: PricedLine[]): number {
  let subtotal = 0;
  for (const line of lines) {
    checkAmount(line.unitPrice, 'unitPrice');
    checkAmount(line.quantity, 'quantity');
    subtotal += line.unitPrice * line.quantity;
  }
  checkAmount(subtotal, 'subtotal');
  return subtotal;
}

export function computeTotals(lines: PricedLine[], couponDiscount: number, pointsRequested: number): Totals {
  checkAmount(couponDiscount, 'discount');
  checkAmount(pointsRequested, 'points');
  const subtotal = subtotalOf(lines);
  const discount = Math.min(couponDiscount, subtotal);
  const points = Math.min(pointsRequested, subtotal - discount);
  return { subtotal, discount, points, total: subtotal - discount - points };
}

/** Splits `amount` over `weights` in proportion, exactly (largest remainder). `amount` must not exceed Σ weights. */
export function allocate(amount: number, weights: number[]): number[] {
  checkAmount(amount, 'amount');
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (amount > sum) throw new RangeError(`Cannot allocate ${amount} over weights summing to ${sum}`);
  if (amount === 0 || sum === 0) return weights.map(() => 0);
  // BigInt keeps amount × weight exact beyond 2^53.
  const big = weights.map((weight) => (BigInt(amount) * BigInt(weight)));
  const shares = big.map((product) => Number(product / BigInt(sum)));
  const remainders = big.map((product, index) => ({ index, remainder: product % BigInt(sum) }));
  let left = amount - shares.reduce((acc, share) => acc + share, 0);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}

/** Each line's share of the discount and of the points; the points are spread over what the discount left. */
export function allocateTotals(lines: PricedLine[], totals: Totals): { discount: number; points: number }[] {
  const amounts = lines.map((line) => line.unitPrice * line.quantity);
  const discounts = allocate(totals.discount, amounts);
  const points = allocate(totals.points, amounts.map((amount, index) => amount - discounts[index]!));
  return lines.map((_, index) => ({ discount: discounts[index]!, points: points[index]! }));
}
