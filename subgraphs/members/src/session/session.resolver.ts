import { requireMember } from '@commerce/kit';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { MembersContext } from '../context.js';
import { DeviceSession } from './device-session.entity.js';
import { LogInResult, RefreshSessionResult } from './session.results.js';
import { endOwnSessions, liveSessions, logIn, logOut, refreshSession, revokeSession } from './session.service.js';

@Resolver(() => DeviceSession)
export class SessionResolver {
  @Mutation(() => LogInResult, { description: 'Logs in on this device: an access token and a refresh token.' })
  logIn(
    @Arg('email', { description: 'The account email.' }) email: string,
    @Arg('password', { description: 'The password.' }) password: string,
    @Ctx() context: MembersContext,
  ) {
    return logIn(context, email, password);
  }

  @Mutation(() => RefreshSessionResult, { description: 'Trades a refresh token for the next pair. Reusing a spent one ends the session.' })
  refreshSession(@Arg('refreshToken', { description: 'The latest refresh token.' }) refreshToken: string, @Ctx() context: MembersContext) {
    return refreshSession(context, refreshToken);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Logs out this device; its tokens stop working at once. False when it was over already." })
  logOut(@Ctx() context: MembersContext) {
    return logOut(context);
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Logs out every device, this one included; returns how many sessions ended.' })
  logOutEverywhere(@Ctx() context: MembersContext) {
    return endOwnSessions(context, 'LOG_OUT_EVERYWHERE');
  }

  @Authorized()
  @Query(() => [DeviceSession], { description: 'Devices where the calling member is logged in, newest first.' })
  mySessions(@Ctx() context: MembersContext) {
    return liveSessions(context.em, requireMember(context).memberId);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Logs out one of the calling member's devices. NOT_FOUND for a session that is not theirs." })
  revokeSession(@Arg('sessionId', () => ID, { description: 'A DeviceSession ID from mySessions.' }) sessionId: string, @Ctx() context: MembersContext) {
    return revokeSession(context, sessionId);
  }

  @FieldResolver(() => Boolean, { description: 'Whether this is the session of the current request.' })
  current(@Root() session: DeviceSession, @Ctx() { viewer }: MembersContext): boolean {
    return viewer?.sessionId === session.id;
  }
}
