import { fail, notFound, requireMember, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { normalizeEmail } from '../account/password-policy.js';
import { hashToken, newSecretToken } from '../common/secret-token.js';
import type { MembersContext } from '../context.js';
import { Member } from '../member/member.entity.js';
import { canPurchase } from '../member/member.service.js';
import type { MembersServices } from '../services.js';
import { DeviceSession } from './device-session.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { InvalidCredentials, InvalidRefreshToken, LockedOut, Session } from './session.results.js';

export type EndReason = 'LOG_OUT' | 'LOG_OUT_EVERYWHERE' | 'REVOKED' | 'TOKEN_REUSE' | 'PASSWORD_CHANGE' | 'PASSWORD_RESET';

/** The next refresh token of a device session, in the caller's transaction. */
function issueRefreshToken(em: EntityManager, services: MembersServices, sessionId: string): string {
  const token = newSecretToken();
  const expiresAt = new Date(Date.now() + services.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
  em.create(RefreshToken, { sessionId, tokenHash: hashToken(token), expiresAt });
  return token;
}

async function sessionResult(services: MembersServices, member: Member, sessionId: string, refreshToken: string): Promise<Session> {
  const access = await services.signer.sign({
    memberId: member.id,
    sessionId,
    roles: member.roles,
    canPurchase: canPurchase(member, services.config.REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE),
  });
  return Object.assign(new Session(), { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, member });
}

/**
 * Ends device sessions of a member (all, or all but `exceptSessionId`, or only `onlySessionId`) in the
 * caller's transaction, returning their IDs. The caller deletes their liveness keys AFTER commit (see
 * `SessionLiveness.end`): a refresh racing with this holds the session row, so it finishes (and sets its
 * key) before this UPDATE proceeds, and the deletion that follows always comes last.
 */
export async function endSessions(
  em: EntityManager,
  memberId: string,
  reason: EndReason,
  scope: { exceptSessionId?: string | null; onlySessionId?: string } = {},
): Promise<string[]> {
  const params: unknown[] = [reason, memberId];
  let filter = '';
  if (scope.onlySessionId) {
    filter = ' and "id" = ?';
    params.push(scope.onlySessionId);
  } else if (scope.exceptSessionId) {
    filter = ' and "id" <> ?';
    params.push(scope.exceptSessionId);
  }
  const rows = await em.execute<{ id: string }[]>(
    `update "members"."device_session" set "ended_at" = now(), "end_reason" = ?
     where "member_id" = ? and "ended_at" is null${filter} returning "id"`,
    params,
  );
  return rows.map((row) => row.id);
}

/** Starts a device session for a member whose password was just checked. */
async function startSession(context: MembersContext, member: Member): Promise<Session> {
  const { services } = context;
  const { client } = context;
  return context.em.transactional(async (em) => {
    const session = em.create(DeviceSession, { memberId: member.id, userAgent: client.userAgent, clientAddress: client.address });
    const refreshToken = issueRefreshToken(em, services, session.id);
    await em.flush();
    await services.liveness.keepAlive(session.id, member.id);
    return sessionResult(services, member, session.id, refreshToken);
  });
}

/**
 * Email and password to a device session. Every attempt is counted before the password is checked (see
 * LoginThrottle), so a locked account or address gets LOCKED_OUT even with the right password. An unknown
 * email costs the same hashing time as a wrong password and gets the same answer.
 */
export async function logIn(context: MembersContext, rawEmail: string, password: string) {
  const { em, services } = context;
  const email = normalizeEmail(rawEmail) ?? rawEmail.trim().toLowerCase();
  const clientAddress = context.client.address;
  const wait = await services.throttle.attempt(email, clientAddress);
  if (wait > 0) return fail(LockedOut, `Too many failed attempts; try again in ${wait}s.`, { retryAfterSeconds: wait });
  const member = await em.findOne(Member, { email }, { populate: ['passwordHash'] });
  const valid = await services.hasher.verify(password, member?.passwordHash ?? null);
  if (!member || !valid) return fail(InvalidCredentials, 'The email or the password is wrong.');
  await services.throttle.succeeded(email, clientAddress);
  if (services.hasher.needsRehash(member.passwordHash)) {
    member.passwordHash = await services.hasher.hash(password);
    await em.flush();
  }
  return startSession(context, member);
}

/**
 * Rotates a refresh token. A token that was already used ends its whole session: either the client or a
 * thief holds a copy, and we cannot tell which, so neither may go on.
 */
export async function refreshSession(context: MembersContext, refreshToken: string) {
  const { services } = context;
  const outcome = await context.em.transactional(async (em) => {
    const tokenHash = hashToken(refreshToken);
    const [spent] = await em.execute<{ session_id: string }[]>(
      `update "members"."refresh_token" set "used_at" = now()
       where "token_hash" = ? and "used_at" is null and "expires_at" > now() returning "session_id"`,
      [tokenHash],
    );
    if (!spent) {
      const reused = await em.findOne(RefreshToken, { tokenHash, usedAt: { $ne: null } });
      if (!reused) return { ended: [] as string[] };
      const session = await em.findOne(DeviceSession, { id: reused.sessionId });
      return { ended: session ? await endSessions(em, session.memberId, 'TOKEN_REUSE', { onlySessionId: session.id }) : [] };
    }
    // Locks the session row until commit, so a concurrent log-out waits for this refresh (see endSessions).
    const [alive] = await em.execute<{ member_id: string }[]>(
      `update "members"."device_session" set "last_used_at" = now() where "id" = ? and "ended_at" is null returning "member_id"`,
      [spent.session_id],
    );
    if (!alive) return { ended: [] as string[] };
    const member = await em.findOneOrFail(Member, { id: alive.member_id });
    const next = issueRefreshToken(em, services, spent.session_id);
    await em.flush();
    await services.liveness.keepAlive(spent.session_id, member.id);
    return { session: await sessionResult(services, member, spent.session_id, next) };
  });
  if ('session' in outcome && outcome.session) return outcome.session;
  await services.liveness.end(outcome.ended ?? []);
  return fail(InvalidRefreshToken, 'Log in again.');
}

/** Ends sessions of the calling member, then their liveness keys; returns how many ended. */
export async function endOwnSessions(
  context: MembersContext,
  reason: EndReason,
  scope: { exceptSessionId?: string | null; onlySessionId?: string } = {},
): Promise<number> {
  const viewer = requireMember(context);
  const ended = await context.em.transactional((em) => endSessions(em, viewer.memberId, reason, scope));
  await context.services.liveness.end(ended);
  return ended.length;
}

/** Ends this device's session (the one the access token belongs to). */
export async function logOut(context: MembersContext): Promise<boolean> {
  const viewer = requireMember(context);
  if (!viewer.sessionId) return false;
  return (await endOwnSessions(context, 'LOG_OUT', { onlySessionId: requireUuid(viewer.sessionId, 'sid') })) > 0;
}

/** Ends one of the member's own device sessions; another member's session ID is NOT_FOUND. */
export async function revokeSession(context: MembersContext, sessionId: string): Promise<boolean> {
  const viewer = requireMember(context);
  const id = requireUuid(sessionId, 'sessionId');
  const session = await context.em.findOne(DeviceSession, { id, memberId: viewer.memberId });
  if (!session) throw notFound('DeviceSession', sessionId);
  return (await endOwnSessions(context, 'REVOKED', { onlySessionId: id })) > 0;
}

/** The member's live device sessions, newest first. */
export function liveSessions(em: EntityManager, memberId: string): Promise<DeviceSession[]> {
  return em.find(DeviceSession, { memberId, endedAt: null }, { orderBy: { createdAt: 'desc', id: 'desc' } });
}
