import type { Member } from './member.entity.js';

/**
 * The members a sign-up just created, as the objects its answer resolves: the caller, who holds no token yet, may read
 * the private fields of the account they made (its email, say) in that answer. Held weakly and by object, so nothing
 * else sees them: a later request loads the member anew.
 */
const signedUp = new WeakSet<Member>();

export function answerToItsCreator(member: Member): Member {
  signedUp.add(member);
  return member;
}

export const isSignUpAnswer = (member: Member): boolean => signedUp.has(member);
