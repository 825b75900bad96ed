import { demoCouponTemplates, demoId, demoIssuedCouponKey, demoMembers, demoOrder } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Gives every demo member an AVAILABLE coupon of each demo template, as if granted (slot 0 of the unique
 * (template, member, slot) key), so running the seed again inserts nothing; the one the demo order used is USED.
 */
export async function seedWelcomeCoupons(em: EntityManager): Promise<boolean> {
  const rows = demoMembers.flatMap((member) =>
    demoCouponTemplates.map((template) => [demoId(demoIssuedCouponKey(template.key, member.key)), demoId(template.key), demoId(member.key)]),
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
  const seeded = ((result as { affectedRows?: number }).affectedRows ?? 0) > 0;
  // The demo order was bought with its buyer's coupon: used for it, as a checkout leaves it.
  const orderCoupon = demoCouponTemplates.find((template) => template.key === demoOrder.coupon)!;
  await em.execute(
    `update "coupons"."issued_coupon" set "status" = 'USED', "order_key" = ?, "discount_amount" = ?, "used_at" = now()
     where "id" = ? and "status" = 'AVAILABLE' and "order_key" is null`,
    [demoId(demoOrder.key), orderCoupon.value, demoId(demoIssuedCouponKey(orderCoupon.key, demoOrder.buyer))],
    'run',
  );
  return seeded;
}
