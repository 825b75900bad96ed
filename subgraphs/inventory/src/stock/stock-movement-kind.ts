/** Why a stock counter moved; the ledger keeps one row per movement. */
export enum StockMovementKind {
  /** A manual correction of on_hand (count, damage, loss), either sign. */
  ADJUSTMENT = 'ADJUSTMENT',
  /** Units set aside (reserved grows). */
  RESERVATION = 'RESERVATION',
  /** Set-aside units given back (reserved shrinks). */
  RELEASE = 'RELEASE',
  /** Units leaving with an order (on_hand shrinks). */
  SALE = 'SALE',
  /** Units coming back from a refunded order (on_hand grows). */
  RETURN = 'RETURN',
  /** New units delivered (on_hand grows). */
  RESTOCK = 'RESTOCK',
}
