import { demoCouponTemplates, demoId, demoMembers } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Gives every demo member an AVAILABLE coupon of each demo template, as if granted (slot 0 of the unique
 * (template, member, slot) key), so running the seed again inserts nothing.
 */
export async function seedWelcomeCoupons(em: EntityManager): Promise<boolean> {
  const rows = demoMembers.flatMap((member) =>
    demoCouponTemplates.map((template) => [demoId(`issued:${template.key}:${member.key}`), demoId(template.key), demoId(member.key)]),
  );
  const result = await em.execute(
    `insert into "coupons"."issued_coupon" ("id", "template_id", "member_id", "status", "source", "member_seq", "expires_at")
     select seeded.id, t."id", seeded.member_id, 'AVAILABLE', 'GRANT', 0, t."valid_to"
     from unnest(?::uuid[], ?::uuid[], ?::uuid[]) as seeded(id, template_id, member_id)
     join "coupons"."coupon_template" t on t."id" = seeded.template_id
     on conflict do nothing`,
    [0, 1, 2].map((column) => `{${rows.map((row) => row[column]).join(',')}}`),
    'run',
  );
  return ((result as { affectedRows?: number }).affectedRows ?? 0) > 0;
}
