import { MAX_MONEY_AMOUNT, Money } from '@commerce/kit';
import type { CheckoutVariant } from '../upstream/upstream.js';
import type { StoredCartLine } from './cart.service.js';
import { Cart, CartLine, CartNoticeKind } from './cart.types.js';

/**
 * What the cart reads about its variants at display time: the catalog's view of each, and inventory's count of
 * units it could sell now. `availableUnits` is null when inventory could not be asked; lines then go by the
 * catalog's in-stock flag, which says only whether there is at least one unit.
 */
export interface CartFacts {
  variants: Map<string, CheckoutVariant>;
  availableUnits: Map<string, number> | null;
}

/** One reason for a line's notice, with the sentence the member reads. */
interface Note {
  kind: CartNoticeKind;
  text: string;
}

/** How the variant changed since the line was added: price, options, or gone from the catalog. */
function changeNotes(line: StoredCartLine, variant: CheckoutVariant | undefined): Note[] {
  if (!variant) return [{ kind: CartNoticeKind.UNAVAILABLE, text: 'It is no longer sold.' }];
  const notes: Note[] = [];
  if (variant.price !== line.price || variant.currency !== line.currency) {
    notes.push({ kind: CartNoticeKind.PRICE_CHANGED, text: 'The price changed since you added it.' });
  }
  if (variant.optionsDigest !== line.optionsDigest) notes.push({ kind: CartNoticeKind.OPTIONS_CHANGED, text: 'The seller changed its options.' });
  return notes;
}

/** Null when the line's units are in stock (or cannot be counted and the catalog says in stock). */
function stockNote(line: StoredCartLine, variant: CheckoutVariant, facts: CartFacts): Note | null {
  const units = facts.availableUnits ? (facts.availableUnits.get(variant.variantId) ?? 0) : variant.inStock ? null : 0;
  if (units === null || units >= line.quantity) return null;
  // Checkout reserves the whole line or nothing (OUT_OF_STOCK), so too few units is out of stock for this line.
  return { kind: CartNoticeKind.OUT_OF_STOCK, text: units > 0 ? `Only ${units} are in stock right now.` : 'It is out of stock right now.' };
}

/**
 * A line whose total cannot be shown, or would take the subtotal of the available lines before it past what a
 * Money can show; `subtotalBefore` is null for a line that does not count in the subtotal anyway.
 */
function totalNote(total: number, subtotalBefore: number | null): Note | null {
  if (total > MAX_MONEY_AMOUNT) return { kind: CartNoticeKind.TOTAL_TOO_LARGE, text: `At this price its total is more than ${MAX_MONEY_AMOUNT}; lower the quantity.` };
  if (subtotalBefore !== null && subtotalBefore + total > MAX_MONEY_AMOUNT) {
    return { kind: CartNoticeKind.TOTAL_TOO_LARGE, text: `With it the lines add up to more than ${MAX_MONEY_AMOUNT}; lower a quantity.` };
  }
  return null;
}

/**
 * Builds the cart as the member sees it, oldest line first. A line is available when the catalog sells it,
 * inventory has as many units as it wants, and its total fits in a Money, alone and added to the available
 * lines before it. Only available lines count in the subtotal, so no amount shown can pass MAX_MONEY_AMOUNT:
 * prices are read anew on every display and may have risen since a line was added, and a line that no longer
 * fits gets a TOTAL_TOO_LARGE notice instead of failing the whole cart.
 */
export function cartView(stored: StoredCartLine[], facts: CartFacts): Cart {
  const lines: CartLine[] = [];
  let subtotal: Money | null = null;
  for (const line of stored) {
    const variant = facts.variants.get(line.variantId);
    const notes = changeNotes(line, variant);
    const lineTotal = variant ? Money.of(variant.price * line.quantity, variant.currency) : null;
    const stock = variant ? stockNote(line, variant, facts) : null;
    if (stock) notes.push(stock);
    // Only a line that would otherwise count is weighed against the subtotal; any line may be too large alone.
    const total = lineTotal ? totalNote(lineTotal.amount, variant && !stock ? (subtotal?.amount ?? 0) : null) : null;
    if (total) notes.push(total);
    const available = !!variant && !stock && !total;
    if (available) subtotal = Money.of((subtotal?.amount ?? 0) + lineTotal!.amount, subtotal?.currency ?? lineTotal!.currency);
    lines.push(
      Object.assign(new CartLine(), {
        id: line.id,
        // The catalog leaves out only variants it does not have; a stub of one would resolve to null there and
        // take the whole cart with it, so the line says so itself (UNAVAILABLE) and names no variant.
        variant: variant ? { id: line.variantId } : null,
        quantity: line.quantity,
        unitPrice: variant ? Money.of(variant.price, variant.currency) : null,
        lineTotal: lineTotal && lineTotal.amount <= MAX_MONEY_AMOUNT ? lineTotal : null,
        available,
        notice: notes.length
          ? { kinds: notes.map((note) => note.kind), message: notes.map((note) => note.text).join(' '), priceWhenAdded: Money.of(line.price, line.currency) }
          : null,
        addedAt: new Date(line.addedAt),
      }),
    );
  }
  return Object.assign(new Cart(), { lines, subtotal, itemCount: lines.reduce((sum, line) => sum + line.quantity, 0) });
}
