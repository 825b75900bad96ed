import { OUTBOX_TABLE_SQL } from '@commerce/kit';
import { Migration } from '@mikro-orm/migrations';

/**
 * Store ownership, reservations, low-stock alerts and the outbox that tells the catalog about
 * availability. A new file: the first migration has shipped and is never edited.
 */
export class Migration20261201000000_stock_control extends Migration {
  override up(): void {
    for (const sql of OUTBOX_TABLE_SQL) this.addSql(sql);

    this.addSql(`create table "store_owner" (
      "store_id" uuid not null,
      "owner_id" uuid not null,
      "updated_at" timestamptz not null default now(),
      constraint "store_owner_pkey" primary key ("store_id")
    );`);

    this.addSql(`alter table "stock_level" add column "store_id" uuid null, add column "low_stock_armed" boolean not null default true;`);
    // Rows already below their threshold are not armed: they never crossed it, so they must not alert on the next unit.
    this.addSql(`update "stock_level" set "low_stock_armed" = (on_hand - reserved >= low_stock_threshold);`);

    this.addSql(`alter table "stock_movement" add column "actor_service" text null, add column "reservation_key" text null;`);

    this.addSql(`create table "stock_reservation" (
      "key" text not null,
      "status" text not null,
      "expires_at" timestamptz not null,
      "out_of_stock_variant_id" uuid null,
      "out_of_stock_requested" integer null,
      "out_of_stock_available" integer null,
      "created_at" timestamptz not null default now(),
      "settled_at" timestamptz null,
      constraint "stock_reservation_pkey" primary key ("key"),
      constraint "stock_reservation_status_check" check ("status" in ('HELD', 'COMMITTED', 'RELEASED', 'EXPIRED', 'REJECTED')),
      constraint "stock_reservation_key_check" check (length(key) >= 1 and length(key) <= 200)
    );`);
    this.addSql(`create index "stock_reservation_held_expires_at_index" on "stock_reservation" ("expires_at") where "status" = 'HELD';`);

    this.addSql(`create table "stock_reservation_line" (
      "reservation_key" text not null,
      "variant_id" uuid not null,
      "quantity" integer not null,
      constraint "stock_reservation_line_pkey" primary key ("reservation_key", "variant_id"),
      constraint "stock_reservation_line_quantity_check" check (quantity > 0)
    );`);

    this.addSql(`create table "low_stock_alert" (
      "id" uuid not null,
      "store_id" uuid not null,
      "variant_id" uuid not null,
      "available" integer not null,
      "threshold" integer not null,
      "created_at" timestamptz not null default now(),
      "read_at" timestamptz null,
      constraint "low_stock_alert_pkey" primary key ("id")
    );`);
    this.addSql(`create index "low_stock_alert_store_id_id_index" on "low_stock_alert" ("store_id", "id");`);
  }
}
