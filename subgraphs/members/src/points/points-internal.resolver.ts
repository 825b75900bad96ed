import { requireUuid } from '@commerce/kit';
import { Arg, Args, Authorized, Ctx, Directive, ID, Mutation, Resolver } from 'type-graphql';
import type { MembersContext } from '../context.js';
import { PointEntry } from './point-entry.entity.js';
import { confirmReservation, refundPoints, refundReservation, releaseReservation, reservePoints, spendPoints } from './point-ledger.service.js';
import { RefundPointReservationArgs, RefundPointsArgs, ReservePointsArgs, SpendPointsArgs } from './points.inputs.js';
import { PointReservation, ReservePointsResult, SpendPointsResult } from './points.results.js';

const orderId = () => Arg('orderId', () => ID, { description: 'The order the points are held for.' });

/** Operations for the other services (the order saga); clients never see them. All idempotent. */
@Resolver()
export class PointsInternalResolver {
  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => SpendPointsResult, { description: 'Internal: spends points; never below zero.' })
  spendPoints(@Args() args: SpendPointsArgs, @Ctx() { em }: MembersContext) {
    return spendPoints(em, requireUuid(args.memberId, 'memberId'), args.amount, args.idempotencyKey, args.memo ?? null);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => PointEntry, { description: 'Internal: gives back (part of) a spend.' })
  refundPoints(@Args() args: RefundPointsArgs, @Ctx() { em }: MembersContext) {
    return refundPoints(em, requireUuid(args.memberId, 'memberId'), requireUuid(args.entryId, 'entryId'), args.amount, args.idempotencyKey);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => ReservePointsResult, { description: 'Internal (order saga): holds points for an order.' })
  reservePoints(@Args() args: ReservePointsArgs, @Ctx() { em }: MembersContext) {
    return reservePoints(em, requireUuid(args.memberId, 'memberId'), requireUuid(args.orderId, 'orderId'), args.amount);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => PointReservation, { description: 'Internal (order saga): the order went through; the held points are used.' })
  confirmPointReservation(@orderId() id: string, @Ctx() { em }: MembersContext) {
    return confirmReservation(em, requireUuid(id, 'orderId'));
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => PointReservation, { nullable: true, description: 'Internal (order saga): the order failed; the held points come back. Null when nothing was held; a later reserve for the order then holds nothing.' })
  releasePointReservation(@orderId() id: string, @Ctx() { em }: MembersContext) {
    return releaseReservation(em, requireUuid(id, 'orderId'));
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => PointEntry, {
    nullable: true,
    description: 'Internal (order cancellation/refund): gives back points a paid order used, at most what its confirmed reservation took across all keys. Null when nothing is left to give back.',
  })
  refundPointReservation(@Args() args: RefundPointReservationArgs, @Ctx() { em }: MembersContext) {
    return refundReservation(em, requireUuid(args.orderId, 'orderId'), args.amount, args.idempotencyKey);
  }
}
