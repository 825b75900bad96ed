import { requireViewer } from '@commerce/kit';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CouponTemplate } from '../coupon-template/coupon-template.entity.js';
import { getCouponTemplate } from '../coupon-template/coupon-template.service.js';
import type { CouponsContext } from '../context.js';
import { CouponGrant } from './coupon-grant.entity.js';
import { MemberFilterInput } from './grant.inputs.js';
import { getGrant, pauseGrant, requestGrant, resumeGrant } from './grant.service.js';

const grantId = () => Arg('id', () => ID, { description: 'The grant job.' });

@Resolver(() => CouponGrant)
export class CouponGrantResolver {
  @Authorized('ADMIN')
  @Mutation(() => CouponGrant, {
    description: 'Admin: gives one coupon of the template to each member the filter selects, as a background job. Poll couponGrant for progress.',
  })
  async grantCoupons(
    @Arg('templateId', () => ID, { description: 'The coupon template.' }) templateId: string,
    @Arg('memberFilter', () => MemberFilterInput, { description: 'Which members.' }) filter: MemberFilterInput,
    @Ctx() context: CouponsContext,
  ) {
    const grant = await requestGrant(context.em, templateId, filter, requireViewer(context).memberId);
    context.services.grants?.wake();
    return grant;
  }

  @Authorized('ADMIN')
  @Query(() => CouponGrant, { description: 'Admin: a grant job and its progress.' })
  couponGrant(@grantId() id: string, @Ctx() { em }: CouponsContext) {
    return getGrant(em, id);
  }

  @Authorized('ADMIN')
  @Mutation(() => CouponGrant, { description: 'Admin: continues a PAUSED or FAILED grant job where its last batch ended; nobody is granted twice.' })
  async resumeCouponGrant(@grantId() id: string, @Ctx() context: CouponsContext) {
    const grant = await resumeGrant(context.em, id);
    context.services.grants?.wake();
    return grant;
  }

  @Authorized('ADMIN')
  @Mutation(() => CouponGrant, { description: 'Admin: pauses a RUNNING grant job after its current batch.' })
  pauseCouponGrant(@grantId() id: string, @Ctx() { em }: CouponsContext) {
    return pauseGrant(em, id);
  }

  @FieldResolver(() => CouponTemplate, { description: 'The template granted.' })
  template(@Root() grant: CouponGrant, @Ctx() { loaders }: CouponsContext) {
    return getCouponTemplate(loaders, grant.templateId);
  }
}
