import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { CouponKind } from './coupon-kind.js';
import { CouponScope } from './coupon-scope.js';

/**
 * Amounts are integers in minor units of `currency`; `maxDiscount` and `minOrderAmount` reach GraphQL as
 * `Money` through field resolvers, so the entity keeps the columns' plain numbers.
 */
@Directive('@key(fields: "id")')
@ObjectType({
  description: 'The terms of a coupon: what it takes off, on which lines, when and how often. Issued coupons refer to it.',
})
@Entity({ tableName: 'coupon_template' })
@Check({
  name: 'coupon_template_value_check',
  expression: `((kind = 'FIXED' and value > 0) or (kind = 'PERCENT' and value between 1 and 100))`,
})
@Check({
  name: 'coupon_template_max_discount_amount_check',
  expression: 'max_discount_amount > 0',
})
@Check({ name: 'coupon_template_min_order_amount_check', expression: 'min_order_amount >= 0' })
@Check({ name: 'coupon_template_currency_check', expression: `currency ~ '^[A-Z]{3}$'` })
@Check({
  name: 'coupon_template_scope_ids_check',
  expression: `((scope = 'ALL') = (cardinality(scope_ids) = 0))`,
})
@Check({ name: 'coupon_template_valid_to_check', expression: 'valid_to > valid_from' })
@Check({ name: 'coupon_template_total_limit_check', expression: 'total_limit > 0' })
@Check({ name: 'coupon_template_per_member_limit_check', expression: 'per_member_limit > 0' })
@Check({ name: 'coupon_template_code_check', expression: 'code = upper(code)' })
export class CouponTemplate {
  [OptionalProps]?: 'maxDiscountAmount' | 'minOrderAmount' | 'scopeIds' | 'validTo' | 'totalLimit' | 'perMemberLimit' | 'code' | 'createdAt';

  @Field(() => ID, { description: 'Opaque coupon template ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field({ description: 'Name shown to members, e.g. "Welcome 3,000 won off".' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => CouponKind, { description: 'Whether the coupon takes a fixed amount or a percentage off.' })
  @Enum({ items: () => CouponKind, type: 'text' })
  kind!: CouponKind;

  @Field(() => Int, {
    description:
      'The discount: for FIXED, an amount in minor units of the currency (> 0); for PERCENT, a percentage from 1 to 100.',
  })
  @Property({ type: 'integer' })
  value!: number;

  @Property({ type: 'integer', nullable: true })
  maxDiscountAmount: number | null = null;

  @Property({ type: 'integer', default: 0 })
  minOrderAmount: number = 0;

  @Property({ type: 'text' })
  currency!: string;

  @Field(() => CouponScope, { description: 'Which order lines the coupon applies to.' })
  @Enum({ items: () => CouponScope, type: 'text' })
  scope!: CouponScope;

  @Field(() => [ID], {
    description: 'The stores, categories or products the scope names; empty when the scope is ALL.',
  })
  @Property({ type: 'uuid[]', columnType: 'uuid[]', defaultRaw: `'{}'` })
  scopeIds: string[] = [];

  @Field({ description: 'When coupons of this template start to apply.' })
  @Property({ type: 'timestamptz' })
  validFrom!: Date;

  @Field(() => Date, { nullable: true, description: 'When coupons of this template stop applying; null for never.' })
  @Property({ type: 'timestamptz', nullable: true })
  validTo: Date | null = null;

  @Field(() => Int, { nullable: true, description: 'How many may be claimed or redeemed in all; null for no limit. Admin grants are not counted.' })
  @Property({ type: 'integer', nullable: true })
  totalLimit: number | null = null;

  @Field(() => Int, { description: 'How many one member may claim or redeem (admin grants are not counted).' })
  @Property({ type: 'integer', default: 1 })
  perMemberLimit: number = 1;

  /** Kept out of the public type: knowing it is what lets a member redeem the coupon. */
  @Property({ type: 'text', nullable: true })
  @Unique()
  code: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
