import { badUserInput, fail, requireMember } from '@commerce/kit';
import { isUniqueViolation } from '../common/unique-violation.js';
import type { MembersContext } from '../context.js';
import { passwordResetMail, verificationMail } from '../mail/mail-templates.js';
import { queueMail } from '../mail/mail.outbox.js';
import { Member } from '../member/member.entity.js';
import { answerToItsCreator } from '../member/signed-up-member.js';
import { endSessions } from '../session/session.service.js';
import { InvalidCredentials, LockedOut } from '../session/session.results.js';
import { EmailTaken, InvalidEmail, InvalidToken, WeakPassword } from './account.results.js';
import { consumeEmailToken, findUsableEmailToken, issueEmailToken } from './email-token.service.js';
import { MIN_PASSWORD_LENGTH, normalizeEmail, passwordProblem } from './password-policy.js';

export interface SignUpFields {
  email: string;
  password: string;
  name: string;
}

const weak = (message: string) => fail(WeakPassword, message, { minLength: MIN_PASSWORD_LENGTH });

/** Trims a display name and checks its length; a bad one is a client bug, not a business outcome. */
export function cleanName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.length < 1 || trimmed.length > 80) throw badUserInput('name must be 1 to 80 characters.', 'name');
  return trimmed;
}

/**
 * Creates an unverified member and queues the verification mail in the same transaction: either both
 * happen or neither. A concurrent sign-up with the same email loses on the unique constraint → EMAIL_TAKEN.
 */
export async function signUp(context: MembersContext, input: SignUpFields) {
  const { services } = context;
  const name = cleanName(input.name);
  const email = normalizeEmail(input.email);
  if (!email) return fail(InvalidEmail, 'This is not a valid email address.');
  const problem = passwordProblem(input.password, { email, name });
  if (problem) return weak(problem);
  if ((await context.em.count(Member, { email })) > 0) return fail(EmailTaken, 'An account with this email exists; log in instead.');
  const passwordHash = await services.hasher.hash(input.password);
  try {
    const member = await context.em.transactional(async (em) => {
      const created = em.create(Member, { email, name, passwordHash });
      const token = issueEmailToken(em, created.id, 'VERIFY_EMAIL', services.config.EMAIL_VERIFICATION_TTL_SECONDS);
      queueMail(em, verificationMail(email, name, token, services.config.PUBLIC_WEB_URL));
      return created;
    });
    services.outbox.wake();
    return answerToItsCreator(member);
  } catch (error) {
    if (isUniqueViolation(error)) return fail(EmailTaken, 'An account with this email exists; log in instead.');
    throw error;
  }
}

export async function verifyEmail(context: MembersContext, token: string) {
  return context.em.transactional(async (em) => {
    const memberId = await consumeEmailToken(em, token, 'VERIFY_EMAIL');
    if (!memberId) return fail(InvalidToken, 'This verification link is invalid or has expired.');
    const member = await em.findOneOrFail(Member, { id: memberId });
    member.emailVerified = true;
    return member;
  });
}

/** Sends a fresh verification link to the calling member; false when the email is verified already. */
export async function resendVerificationEmail(context: MembersContext): Promise<boolean> {
  const viewer = requireMember(context);
  const { services } = context;
  const sent = await context.em.transactional(async (em) => {
    const member = await em.findOneOrFail(Member, { id: viewer.memberId });
    if (member.emailVerified) return false;
    const token = issueEmailToken(em, member.id, 'VERIFY_EMAIL', services.config.EMAIL_VERIFICATION_TTL_SECONDS);
    queueMail(em, verificationMail(member.email, member.name, token, services.config.PUBLIC_WEB_URL));
    return true;
  });
  if (sent) services.outbox.wake();
  return sent;
}

/** Always answers the same, whether or not the account exists, so it cannot be used to find accounts. */
export async function requestPasswordReset(context: MembersContext, rawEmail: string): Promise<true> {
  const { services } = context;
  const email = normalizeEmail(rawEmail);
  if (!email) return true;
  const queued = await context.em.transactional(async (em) => {
    const member = await em.findOne(Member, { email });
    if (!member) return false;
    const token = issueEmailToken(em, member.id, 'RESET_PASSWORD', services.config.PASSWORD_RESET_TTL_SECONDS);
    queueMail(em, passwordResetMail(member.email, member.name, token, services.config.PUBLIC_WEB_URL));
    return true;
  });
  if (queued) services.outbox.wake();
  return true;
}

/**
 * Sets a new password from a mailed token and ends every session: whoever knew the old password is out.
 * Following the link proves the mailbox, so the email counts as verified and lockout counters are cleared.
 */
export async function resetPassword(context: MembersContext, token: string, password: string) {
  const { services } = context;
  const invalid = () => fail(InvalidToken, 'This reset link is invalid or has expired.');
  // Checked before spending the token, so a weak password leaves the link usable for a better one.
  const pending = await findUsableEmailToken(context.em, token, 'RESET_PASSWORD');
  if (!pending) return invalid();
  const member = await context.em.findOneOrFail(Member, { id: pending.memberId });
  const problem = passwordProblem(password, member);
  if (problem) return weak(problem);
  const passwordHash = await services.hasher.hash(password);
  const ended = await context.em.transactional(async (em) => {
    if ((await consumeEmailToken(em, token, 'RESET_PASSWORD')) !== member.id) return null;
    await em.nativeUpdate(Member, { id: member.id }, { passwordHash, emailVerified: true });
    return endSessions(em, member.id, 'PASSWORD_RESET');
  });
  if (!ended) return invalid();
  await services.liveness.end(ended);
  await services.throttle.clearAccount(member.email);
  member.emailVerified = true;
  return member;
}

/**
 * Changes the password of the calling member after checking the current one (counted like a login
 * attempt, so it cannot be used to guess), and ends every other device session.
 */
export async function changePassword(context: MembersContext, current: string, next: string) {
  const viewer = requireMember(context);
  const { services } = context;
  const member = await context.em.findOneOrFail(Member, { id: viewer.memberId }, { populate: ['passwordHash'] });
  const wait = await services.throttle.attempt(member.email, context.client.address);
  if (wait > 0) return fail(LockedOut, `Too many failed attempts; try again in ${wait}s.`, { retryAfterSeconds: wait });
  if (!(await services.hasher.verify(current, member.passwordHash))) return fail(InvalidCredentials, 'The current password is wrong.');
  await services.throttle.succeeded(member.email, context.client.address);
  const problem = passwordProblem(next, member);
  if (problem) return weak(problem);
  const passwordHash = await services.hasher.hash(next);
  const ended = await context.em.transactional(async (em) => {
    await em.nativeUpdate(Member, { id: member.id }, { passwordHash });
    return endSessions(em, member.id, 'PASSWORD_CHANGE', { exceptSessionId: viewer.sessionId });
  });
  await services.liveness.end(ended);
  return member;
}
