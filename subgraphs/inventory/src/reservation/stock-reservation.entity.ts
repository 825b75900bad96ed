import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { StockReservationStatus } from './stock-reservation-status.js';

/**
 * Units set aside for one order by its saga, under the caller's idempotency key. The row is the
 * idempotency record too: a repeated call finds it and answers with the first outcome, even a refusal.
 */
@Entity({ tableName: 'stock_reservation' })
@Index({
  name: 'stock_reservation_held_expires_at_index',
  properties: ['expiresAt'],
  expression: `create index "stock_reservation_held_expires_at_index" on "stock_reservation" ("expires_at") where "status" = 'HELD'`,
})
@Check({ name: 'stock_reservation_key_check', expression: 'length(key) >= 1 and length(key) <= 200' })
export class StockReservation {
  [OptionalProps]?: 'createdAt' | 'settledAt' | 'outOfStockVariantId' | 'outOfStockRequested' | 'outOfStockAvailable';

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Enum({ items: () => StockReservationStatus, type: 'text' })
  status!: StockReservationStatus;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  /** For a REJECTED reservation: the first line that could not be served, and the numbers at the time. */
  @Property({ type: 'uuid', nullable: true })
  outOfStockVariantId: string | null = null;

  @Property({ type: 'integer', nullable: true })
  outOfStockRequested: number | null = null;

  @Property({ type: 'integer', nullable: true })
  outOfStockAvailable: number | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** When it stopped being HELD. */
  @Property({ type: 'timestamptz', nullable: true })
  settledAt: Date | null = null;
}
