/**
 * Codes are what members type, so letter case must not matter. They are stored upper-cased (a CHECK
 * enforces it), which lets the plain unique constraint reject "welcome" next to "WELCOME".
 */
export function normalizeCouponCode(code: string): string {
  return code.trim().toUpperCase();
}
