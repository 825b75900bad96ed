import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** One variant of a reservation; a variant appears at most once per reservation. */
@Entity({ tableName: 'stock_reservation_line' })
@Check({ name: 'stock_reservation_line_quantity_check', expression: 'quantity > 0' })
export class StockReservationLine {
  @PrimaryKey({ type: 'text' })
  reservationKey!: string;

  @PrimaryKey({ type: 'uuid' })
  variantId!: string;

  @Property({ type: 'integer' })
  quantity!: number;
}
