import { notFound, requireOwnerOrAdmin, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { cleanName } from '../account/account.service.js';
import type { MembersContext } from '../context.js';
import { Member } from './member.entity.js';
import { isSignUpAnswer } from './signed-up-member.js';

/**
 * Private fields (email, points, wishlist, addresses, sessions) are checked here, per field, because a
 * Member also arrives through federation (an order's buyer, a store's owner): whoever can reach the entity
 * may read its name, only the member themself or an admin the rest (and a sign-up's caller in its answer).
 */
export function requireSelfOrAdmin(context: MembersContext, member: Member): void {
  if (isSignUpAnswer(member)) return;
  requireOwnerOrAdmin(context, member.id);
}

export async function getMember({ loaders }: MembersContext, id: string): Promise<Member> {
  const member = await loaders.memberById.load(requireUuid(id));
  if (!member) throw notFound('Member', id);
  return member;
}

export async function updateProfile(em: EntityManager, memberId: string, input: { name?: string | null }): Promise<Member> {
  const member = await em.findOneOrFail(Member, { id: memberId });
  if (input.name != null) member.name = cleanName(input.name);
  await em.flush();
  return member;
}

/** Idempotent: the catalog calls it when a member opens their first store. Takes effect in the next access token. */
export async function grantSellerRole(em: EntityManager, memberId: string): Promise<Member> {
  const id = requireUuid(memberId, 'memberId');
  await em.execute(
    `update "members"."member" set "roles" = array_append("roles", 'SELLER') where "id" = ? and not ('SELLER' = any("roles"))`,
    [id],
  );
  const member = await em.findOne(Member, { id }, { refresh: true });
  if (!member) throw notFound('Member', memberId);
  return member;
}

/** Whether the member may check out or claim a time-sale now; see REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE. */
export function canPurchase(member: Member, requireVerifiedEmail: boolean): boolean {
  return member.emailVerified || !requireVerifiedEmail;
}

