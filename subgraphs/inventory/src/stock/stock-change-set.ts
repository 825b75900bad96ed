/** The numbers of one variant's stock right after a change, as published to live subscribers. */
export interface StockSnapshot {
  variantId: string;
  onHand: number;
  reserved: number;
  available: number;
  at: Date;
}

/** A stored low-stock alert, as published to the store's live subscribers. */
export interface AlertSnapshot {
  id: string;
  storeId: string;
  variantId: string;
  available: number;
  threshold: number;
  at: Date;
}

/**
 * What one stock transaction changed, collected while it runs and acted on only after it commits:
 * a subscriber must never see numbers that were rolled back.
 */
export class StockChangeSet {
  /** The last snapshot per variant: a transaction touching a variant twice publishes its final numbers once. */
  readonly stock = new Map<string, StockSnapshot>();
  readonly alerts: AlertSnapshot[] = [];
  /** Whether an outbox message was written, so the relay is woken instead of waiting for its next poll. */
  outboxEnqueued = false;
}
