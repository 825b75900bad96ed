import { OUTBOX_TABLE_SQL } from '@commerce/kit';
import { Migration } from '@mikro-orm/migrations';

/** Checkout saga, lifecycle timestamps, what each line was at checkout, settlements, and the outbox. */
export class Migration20261210000000_checkout extends Migration {
  override up(): void {
    this.addSql(`alter table "customer_order"
      add column "store_id" uuid null,
      add column "issued_coupon_id" uuid null,
      add column "time_sale_claim_id" text null,
      add column "payment_method" text null,
      add column "payment_id" text null,
      add column "paid_at" timestamptz null,
      add column "cancelled_at" timestamptz null,
      add column "cancel_reason" text null,
      add column "refund_requested_at" timestamptz null,
      add column "refund_reason" text null,
      add column "refund_rejection_reason" text null,
      add column "refunded_at" timestamptz null,
      add column "delivered_at" timestamptz null;`);
    // Sellers list their store's orders newest first; settlement scans a day of payments and of refunds.
    this.addSql(`create index "customer_order_store_id_id_index" on "customer_order" ("store_id", "id");`);
    this.addSql(`create index "customer_order_paid_at_index" on "customer_order" ("paid_at");`);
    this.addSql(`create sequence "order_number_seq";`);

    this.addSql(`alter table "order_line"
      add column "product_id" uuid null,
      add column "store_id" uuid null,
      add column "category_id" uuid null,
      add column "sku" text null,
      add column "name" text null,
      add column "discount_amount" int not null default 0,
      add column "points_amount" int not null default 0,
      add constraint "order_line_allocation_check" check (discount_amount >= 0 and points_amount >= 0 and discount_amount + points_amount <= greatest(quantity * unit_price_amount, 0));`);

    // The saga's own log: no entity maps it (the runner speaks SQL to it), so it stays out of the ORM's schema diff.
    this.addSql(`create table "checkout_saga" (
      "id" uuid not null,
      "member_id" uuid not null,
      "idempotency_key" text not null,
      "request_hash" text not null,
      "state" text not null,
      "plan" jsonb not null,
      "discount_amount" int not null default 0,
      "points_amount" int not null default 0,
      "payment_id" text null,
      "failure_code" text null,
      "failure_message" text null,
      "lease_until" timestamptz not null,
      "lease_owner" text null,
      "attempts" int not null default 0,
      "log" jsonb not null default '[]',
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "checkout_saga_pkey" primary key ("id"),
      constraint "checkout_saga_member_key_unique" unique ("member_id", "idempotency_key"),
      constraint "checkout_saga_state_check" check ("state" in ('RESERVING_STOCK', 'RESERVING_COUPON', 'RESERVING_POINTS', 'AUTHORIZING_PAYMENT', 'CONFIRMING', 'COMPLETED', 'COMPENSATING', 'FAILED'))
    );`);
    this.addSql(`create index "checkout_saga_unfinished_index" on "checkout_saga" ("lease_until") where "state" not in ('COMPLETED', 'FAILED');`);

    this.addSql(`create table "settlement" (
      "id" uuid not null,
      "store_id" uuid not null,
      "settlement_date" date not null,
      "currency" text not null,
      "order_count" int not null,
      "refund_count" int not null,
      "gross_sales" bigint not null,
      "refunds" bigint not null,
      "platform_fee" bigint not null,
      "payout" bigint not null,
      "fee_bps" int not null,
      "created_at" timestamptz not null default now(),
      constraint "settlement_pkey" primary key ("id"),
      constraint "settlement_store_date_currency_unique" unique ("store_id", "settlement_date", "currency"),
      constraint "settlement_payout_check" check (payout = gross_sales - refunds - platform_fee)
    );`);
    // One row per settled date: a rerun (any process, any time) finds it and changes nothing.
    this.addSql(`create table "settlement_run" (
      "settlement_date" date not null,
      "store_count" int not null,
      "completed_at" timestamptz not null default now(),
      constraint "settlement_run_pkey" primary key ("settlement_date")
    );`);
    for (const sql of OUTBOX_TABLE_SQL) this.addSql(sql);
  }
}
