import { badUserInput, MAX_MONEY_AMOUNT } from '@commerce/kit';
import type { CheckoutVariant } from '../upstream/upstream.js';
import type { StoredCartLine } from './cart.service.js';

/**
 * Refuses (BAD_USER_INPUT) raising a variant's line to `quantity` units when, at current prices, the cart's lines
 * would then add up to more than MAX_MONEY_AMOUNT, the most a Money can show; the same words as couponQuote's
 * refusal. Every priced line counts, in stock or not, so one coming back into stock cannot take the subtotal past
 * it either. The check reads before the cart script writes: two racing adds may pass it together, and prices may
 * rise later, which is why the view copes with lines that no longer fit (TOTAL_TOO_LARGE) instead of relying on it.
 */
export function refuseTooLargeTotal(stored: StoredCartLine[], variants: Map<string, CheckoutVariant>, variantId: string, quantity: number): void {
  const price = variants.get(variantId)?.price;
  // A variant the catalog no longer sells has no total; a free one adds nothing.
  if (!price) return;
  const others = stored.reduce((sum, line) => {
    const variant = line.variantId === variantId ? undefined : variants.get(line.variantId);
    return variant ? sum + variant.price * line.quantity : sum;
  }, 0);
  if (others + price * quantity <= MAX_MONEY_AMOUNT) return;
  const room = Math.floor((MAX_MONEY_AMOUNT - others) / price);
  throw badUserInput(
    `The cart's lines would add up to more than ${MAX_MONEY_AMOUNT}; ${room > 0 ? `at most ${room} units of this variant fit.` : 'lower or remove other lines first.'}`,
    'quantity',
  );
}
