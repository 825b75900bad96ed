import { Check, Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/** Where a claim stands; only HELD moves, to exactly one of the others. */
export type TimeSaleClaimStatus = 'HELD' | 'CONSUMED' | 'EXPIRED' | 'RELEASED';

/**
 * The durable copy of a claim Redis granted, written by the stream consumer (or by checkout, whichever
 * comes first). The primary key is the claim id, so replaying a stream entry can never count a claim twice.
 */
@Entity({ tableName: 'time_sale_claim' })
@Unique({ name: 'time_sale_claim_idempotency_unique', properties: ['saleId', 'memberId', 'idempotencyKey'] })
@Index({ name: 'time_sale_claim_member_index', properties: ['memberId', 'id'] })
@Check({ name: 'time_sale_claim_quantity_check', expression: 'quantity > 0' })
export class TimeSaleClaimRecord {
  /** `<saleId>.<uuidv7>`: the sale is part of the id, so any replica finds the claim's Redis keys from the id alone. */
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'uuid' })
  saleId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'text' })
  idempotencyKey!: string;

  @Enum({ items: ['HELD', 'CONSUMED', 'EXPIRED', 'RELEASED'], type: 'text' })
  status!: TimeSaleClaimStatus;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  /** The checkout that consumed the claim. */
  @Property({ type: 'text', nullable: true })
  orderKey: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  settledAt: Date | null = null;
}
