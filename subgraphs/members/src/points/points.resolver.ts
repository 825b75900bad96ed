import { Money, requireMember } from '@commerce/kit';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { MembersContext } from '../context.js';
import { PointEntry } from './point-entry.entity.js';
import { chargePoints, points } from './point-ledger.service.js';

@Resolver(() => PointEntry)
export class PointsResolver {
  @Authorized()
  @Mutation(() => PointEntry, { description: 'Tops up the calling member’s points (payment simulated). Repeating a key returns the first entry and charges nothing.' })
  chargePoints(
    @Arg('amount', () => Int, { description: 'Points to add (1 point = 1 KRW), up to the shop’s maximum per charge.' }) amount: number,
    @Arg('idempotencyKey', { description: 'Unique per intended charge, e.g. a UUID made by the client.' }) idempotencyKey: string,
    @Ctx() context: MembersContext,
  ) {
    return chargePoints(context.em, requireMember(context).memberId, amount, idempotencyKey, context.services.config.MAX_POINT_CHARGE);
  }

  @FieldResolver(() => Money, { description: 'The change: positive adds points, negative takes them.' })
  amount(@Root() entry: PointEntry): Money {
    return points(entry.delta);
  }

  @FieldResolver(() => Money, { description: 'The balance right after this entry.' })
  balanceAfter(@Root() entry: PointEntry): Money {
    return points(entry.balanceAfter);
  }
}
