import { Migration } from '@mikro-orm/migrations';

/** Issued coupons, their reservations for orders, and resumable bulk grant jobs. */
export class Migration20261201000000_issued_coupons extends Migration {
  override up(): void {
    this.addSql(`create table "issued_coupon" (
      "id" uuid not null,
      "template_id" uuid not null,
      "member_id" uuid not null,
      "status" text not null default 'AVAILABLE',
      "source" text not null,
      "member_seq" int not null,
      "grant_id" uuid null,
      "expires_at" timestamptz null,
      "order_key" text null,
      "discount_amount" int null,
      "issued_at" timestamptz not null default now(),
      "used_at" timestamptz null,
      constraint "issued_coupon_pkey" primary key ("id"),
      constraint "issued_coupon_status_check" check ("status" in ('AVAILABLE', 'RESERVED', 'USED', 'EXPIRED')),
      constraint "issued_coupon_source_check" check ("source" in ('CLAIM', 'CODE', 'GRANT')),
      constraint "issued_coupon_member_seq_check" check ((source = 'GRANT') = (member_seq = 0) and member_seq >= 0),
      constraint "issued_coupon_order_key_check" check ((status in ('RESERVED', 'USED')) = (order_key is not null)),
      constraint "issued_coupon_discount_check" check ((order_key is null) = (discount_amount is null) and discount_amount >= 0)
    );`);
    // The "one per member" rule in the database: claims and codes take slots 1..perMemberLimit, grants slot 0.
    this.addSql(
      `alter table "issued_coupon" add constraint "issued_coupon_template_member_unique" unique ("template_id", "member_id", "member_seq");`,
    );
    // One coupon per order: the saga's orderKey names at most one reservation.
    this.addSql(`alter table "issued_coupon" add constraint "issued_coupon_order_key_unique" unique ("order_key");`);
    this.addSql(`create index "issued_coupon_member_idx" on "issued_coupon" ("member_id", "status", "id");`);
    this.addSql(`create index "issued_coupon_expiry_idx" on "issued_coupon" ("status", "expires_at");`);

    this.addSql(`create table "coupon_grant" (
      "id" uuid not null,
      "template_id" uuid not null,
      "email_domain" text null,
      "status" text not null default 'RUNNING',
      "collected" boolean not null default false,
      "collect_cursor" uuid null,
      "grant_cursor" uuid null,
      "total" int null,
      "processed" int not null default 0,
      "granted" int not null default 0,
      "failed_attempts" int not null default 0,
      "last_error" text null,
      "lease_owner" text null,
      "lease_until" timestamptz null,
      "requested_by" uuid null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "coupon_grant_pkey" primary key ("id"),
      constraint "coupon_grant_status_check" check ("status" in ('RUNNING', 'PAUSED', 'COMPLETED', 'FAILED')),
      constraint "coupon_grant_progress_check" check (granted >= 0 and granted <= processed),
      constraint "coupon_grant_total_check" check (processed <= total)
    );`);
    this.addSql(`create index "coupon_grant_status_idx" on "coupon_grant" ("status", "lease_until");`);

    // The grant's frozen target list: members who join mid-grant do not shift its total or its cursor.
    this.addSql(`create table "coupon_grant_target" (
      "grant_id" uuid not null,
      "member_id" uuid not null,
      constraint "coupon_grant_target_pkey" primary key ("grant_id", "member_id")
    );`);
  }
}
