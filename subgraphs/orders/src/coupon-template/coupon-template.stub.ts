import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by the coupons subgraph; an order keeps only the id of the coupon it used. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('CouponTemplate', { description: 'The terms of a coupon: what it takes off, on which lines, when and how often. Issued coupons refer to it.' })
export class CouponTemplate {
  @Field(() => ID, { description: 'Opaque coupon template ID.' })
  id!: string;
}

export const couponTemplateStub = (id: string): CouponTemplate => ({ id });
