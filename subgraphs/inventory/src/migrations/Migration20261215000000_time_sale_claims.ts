import { Migration } from '@mikro-orm/migrations';

/**
 * The time-sale engine: a sale's life beyond its window (cancelled, settled) and the durable copy of the
 * claims Redis decides. `claimed` on the sale counts HELD and CONSUMED units, so it keeps its check.
 */
export class Migration20261215000000_time_sale_claims extends Migration {
  override up(): void {
    this.addSql(`alter table "time_sale"
      add column "store_id" uuid null,
      add column "cancelled_at" timestamptz null,
      add column "settled_at" timestamptz null,
      add column "created_by" uuid null;`);

    this.addSql(`create table "time_sale_claim" (
      "id" text not null,
      "sale_id" uuid not null,
      "member_id" uuid not null,
      "quantity" integer not null,
      "idempotency_key" text not null,
      "status" text not null,
      "expires_at" timestamptz not null,
      "order_key" text null,
      "created_at" timestamptz not null,
      "settled_at" timestamptz null,
      constraint "time_sale_claim_pkey" primary key ("id"),
      constraint "time_sale_claim_status_check" check ("status" in ('HELD', 'CONSUMED', 'EXPIRED', 'RELEASED')),
      constraint "time_sale_claim_quantity_check" check (quantity > 0)
    );`);
    this.addSql(`alter table "time_sale_claim" add constraint "time_sale_claim_idempotency_unique" unique ("sale_id", "member_id", "idempotency_key");`);
    this.addSql(`create index "time_sale_claim_member_index" on "time_sale_claim" ("member_id", "id");`);
  }
}
