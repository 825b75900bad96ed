import { badUserInput, isUuid, notFound, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CouponTemplate } from '../coupon-template/coupon-template.entity.js';
import { CouponGrantStatus } from './coupon-grant-status.js';
import { CouponGrant } from './coupon-grant.entity.js';
import type { MemberFilterInput } from './grant.inputs.js';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
export const MAX_EXPLICIT_MEMBERS = 10_000;

/**
 * Starts a grant job. Explicit member IDs are frozen as targets at once (so the total is known); a domain's
 * members are collected page by page by the worker. Returns at once; the worker does the rest.
 */
export async function requestGrant(em: EntityManager, templateId: string, filter: MemberFilterInput, requestedBy: string | null): Promise<CouponGrant> {
  const id = requireUuid(templateId, 'templateId').toLowerCase();
  if (!(await em.findOne(CouponTemplate, { id }))) throw notFound('CouponTemplate', templateId);
  const hasDomain = filter.emailDomain != null;
  const hasIds = filter.memberIds != null;
  if (hasDomain === hasIds) throw badUserInput('memberFilter takes exactly one of emailDomain and memberIds.', 'memberFilter');
  if (hasDomain) {
    const domain = filter.emailDomain!.trim().toLowerCase().replace(/^@/, '');
    if (!DOMAIN.test(domain)) throw badUserInput('emailDomain must be a domain name such as snu.ac.kr.', 'emailDomain');
    const grant = em.create(CouponGrant, { templateId: id, emailDomain: domain, requestedBy });
    await em.flush();
    return grant;
  }
  const ids = [...new Set(filter.memberIds!.map((member) => member.toLowerCase()))];
  if (ids.length === 0 || ids.length > MAX_EXPLICIT_MEMBERS) throw badUserInput(`memberIds must list 1 to ${MAX_EXPLICIT_MEMBERS} members.`, 'memberIds');
  if (!ids.every(isUuid)) throw badUserInput('memberIds must be member IDs.', 'memberIds');
  return em.transactional(async (tx) => {
    const grant = tx.create(CouponGrant, { templateId: id, requestedBy, collected: true, total: ids.length });
    await tx.flush();
    await tx.execute(
      `insert into "coupons"."coupon_grant_target" ("grant_id", "member_id") select ?, unnest(?::uuid[])`,
      [grant.id, `{${ids.join(',')}}`],
      'run',
    );
    return grant;
  });
}

export async function getGrant(em: EntityManager, id: string): Promise<CouponGrant> {
  const grant = await em.findOne(CouponGrant, { id: requireUuid(id).toLowerCase() });
  if (!grant) throw notFound('CouponGrant', id);
  return grant;
}

/** PAUSED, FAILED or stuck → RUNNING, keeping its cursors: the job continues where its last batch committed. */
export async function resumeGrant(em: EntityManager, id: string): Promise<CouponGrant> {
  const grant = await getGrant(em, id);
  if (grant.status !== CouponGrantStatus.COMPLETED) {
    await em.execute(
      `update "coupons"."coupon_grant" set "status" = 'RUNNING', "failed_attempts" = 0, "lease_owner" = null,
         "lease_until" = null, "updated_at" = now() where "id" = ? and "status" <> 'COMPLETED'`,
      [grant.id],
      'run',
    );
  }
  return em.findOneOrFail(CouponGrant, { id: grant.id }, { refresh: true });
}

/** RUNNING → PAUSED; the current batch (if any) still commits. */
export async function pauseGrant(em: EntityManager, id: string): Promise<CouponGrant> {
  const grant = await getGrant(em, id);
  await em.execute(
    `update "coupons"."coupon_grant" set "status" = 'PAUSED', "lease_owner" = null, "lease_until" = null, "updated_at" = now()
     where "id" = ? and "status" = 'RUNNING'`,
    [grant.id],
    'run',
  );
  return em.findOneOrFail(CouponGrant, { id: grant.id }, { refresh: true });
}
