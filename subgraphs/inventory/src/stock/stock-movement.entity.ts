import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { StockMovementKind } from './stock-movement-kind.js';

/**
 * One line of the stock ledger, append-only, so every stock level can be explained (and rebuilt) from
 * its history. `delta` is the signed change of the counter the kind moves: on_hand for ADJUSTMENT,
 * RESTOCK, RETURN and SALE; reserved for RESERVATION and RELEASE. The sign each kind may carry is
 * enforced by the database.
 */
@Entity({ tableName: 'stock_movement' })
@Index({ name: 'stock_movement_variant_id_created_at_index', properties: ['variantId', 'createdAt'] })
@Check({ name: 'stock_movement_delta_check', expression: 'delta <> 0' })
@Check({
  name: 'stock_movement_delta_sign_check',
  expression: `kind = 'ADJUSTMENT' or (kind in ('RESTOCK', 'RETURN', 'RESERVATION') and delta > 0) or (kind in ('SALE', 'RELEASE') and delta < 0)`,
})
export class StockMovement {
  [OptionalProps]?: 'createdAt' | 'actorId' | 'actorService' | 'reservationKey';

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  variantId!: string;

  @Enum({ items: () => StockMovementKind, type: 'text' })
  kind!: StockMovementKind;

  @Property({ type: 'integer' })
  delta!: number;

  @Property({ type: 'text' })
  reason!: string;

  /** The member who caused the movement; null for the system (seed, expiring claims). */
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  /** The service that caused it when no member did: the caller of an internal operation, or "inventory" itself for expiries. */
  @Property({ type: 'text', nullable: true })
  actorService: string | null = null;

  /**
   * The stock reservation a RESERVATION, RELEASE or SALE belongs to. A SALE with a key consumed reserved
   * units (both on_hand and reserved dropped by |delta|), which keeps `reserved` explainable from the ledger.
   */
  @Property({ type: 'text', nullable: true })
  reservationKey: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
