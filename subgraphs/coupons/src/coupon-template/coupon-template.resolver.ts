import { Money } from '@commerce/kit';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CreateCouponTemplateInput } from './coupon-template.input.js';
import type { CouponsContext } from '../context.js';
import { CouponTemplateConnection } from './coupon-template.connection.js';
import { CouponTemplate } from './coupon-template.entity.js';
import { createCouponTemplate, getCouponTemplate, listCouponTemplates } from './coupon-template.service.js';

@Resolver(() => CouponTemplate)
export class CouponTemplateResolver {
  @Query(() => CouponTemplate, { description: 'One coupon template by ID.' })
  couponTemplate(
    @Arg('id', () => ID, { description: 'The coupon template ID.' }) id: string,
    @Ctx() { loaders }: CouponsContext,
  ): Promise<CouponTemplate> {
    return getCouponTemplate(loaders, id);
  }

  @Query(() => CouponTemplateConnection, { description: 'Coupon templates, oldest first.' })
  couponTemplates(
    @Arg('first', () => Int, { nullable: true, description: 'How many templates to return (1 to 100, default 20).' })
    first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Return the templates after this cursor.' })
    after: string | null,
    @Ctx() { em }: CouponsContext,
  ) {
    return listCouponTemplates(em, { first, after });
  }

  @Authorized('ADMIN', 'SELLER')
  @Mutation(() => CouponTemplate, {
    description: 'Creates a coupon template. Admins: any scope; sellers: scope STORE for one store they own. CONFLICT when the code is taken.',
  })
  createCouponTemplate(
    @Arg('input', () => CreateCouponTemplateInput, { description: 'The terms.' }) input: CreateCouponTemplateInput,
    @Ctx() context: CouponsContext,
  ): Promise<CouponTemplate> {
    return createCouponTemplate(context, input);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: 'The most a PERCENT coupon takes off; null when uncapped.',
  })
  maxDiscount(@Root() template: CouponTemplate): Money | null {
    return template.maxDiscountAmount === null ? null : Money.of(template.maxDiscountAmount, template.currency);
  }

  @FieldResolver(() => Money, { description: 'The smallest order amount the coupon applies to.' })
  minOrderAmount(@Root() template: CouponTemplate): Money {
    return Money.of(template.minOrderAmount, template.currency);
  }
}
