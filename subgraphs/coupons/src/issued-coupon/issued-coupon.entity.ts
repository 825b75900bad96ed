import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { IssuedCouponSource, IssuedCouponStatus } from './issued-coupon-status.js';

/**
 * A coupon in a member's hands. `memberSeq` is the member's n-th coupon of the template through claims and
 * codes (1..perMemberLimit) or 0 for an admin grant; (template, member, memberSeq) is unique, which is the
 * database's own "one per member" guard behind the Redis counters. While RESERVED or USED it names the
 * order (`orderKey`, unique) and the discount it was reserved at.
 */
@ObjectType({ description: 'A coupon a member holds.' })
@Entity({ tableName: 'issued_coupon' })
@Unique({ name: 'issued_coupon_template_member_unique', properties: ['templateId', 'memberId', 'memberSeq'] })
@Index({ name: 'issued_coupon_member_idx', properties: ['memberId', 'status', 'id'] })
@Index({ name: 'issued_coupon_expiry_idx', properties: ['status', 'expiresAt'] })
@Check({ name: 'issued_coupon_member_seq_check', expression: `((source = 'GRANT') = (member_seq = 0) and member_seq >= 0)` })
@Check({ name: 'issued_coupon_order_key_check', expression: `((status in ('RESERVED', 'USED')) = (order_key is not null))` })
@Check({ name: 'issued_coupon_discount_check', expression: '((order_key is null) = (discount_amount is null) and discount_amount >= 0)' })
export class IssuedCoupon {
  [OptionalProps]?: 'grantId' | 'expiresAt' | 'orderKey' | 'discountAmount' | 'issuedAt' | 'usedAt' | 'status';

  @Field(() => ID, { description: 'Opaque issued coupon ID.' })
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  templateId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  /** As stored; the `status` field shows an AVAILABLE coupon past its expiry as EXPIRED before the sweep runs. */
  @Enum({ items: () => IssuedCouponStatus, type: 'text' })
  status: IssuedCouponStatus = IssuedCouponStatus.AVAILABLE;

  @Enum({ items: () => IssuedCouponSource, type: 'text' })
  source!: IssuedCouponSource;

  @Property({ type: 'integer' })
  memberSeq!: number;

  @Property({ type: 'uuid', nullable: true })
  grantId: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the coupon stops applying; null for never.' })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  @Unique({ name: 'issued_coupon_order_key_unique' })
  orderKey: string | null = null;

  @Property({ type: 'integer', nullable: true })
  discountAmount: number | null = null;

  @Field({ description: 'When the member got the coupon.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  issuedAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When an order used the coupon; null until then.' })
  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;
}
