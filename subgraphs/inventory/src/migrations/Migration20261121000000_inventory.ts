import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000000_inventory extends Migration {
  override up(): void {
    this.addSql(`create table "stock_level" (
      "variant_id" uuid not null,
      "on_hand" integer not null,
      "reserved" integer not null default 0,
      "low_stock_threshold" integer not null default 0,
      "updated_at" timestamptz not null default now(),
      constraint "stock_level_pkey" primary key ("variant_id"),
      constraint "stock_level_on_hand_check" check (on_hand >= 0),
      constraint "stock_level_reserved_check" check (reserved >= 0),
      constraint "stock_level_reserved_within_on_hand_check" check (reserved <= on_hand),
      constraint "stock_level_low_stock_threshold_check" check (low_stock_threshold >= 0)
    );`);

    this.addSql(`create table "stock_movement" (
      "id" uuid not null,
      "variant_id" uuid not null,
      "kind" text not null,
      "delta" integer not null,
      "reason" text not null,
      "actor_id" uuid null,
      "created_at" timestamptz not null default now(),
      constraint "stock_movement_pkey" primary key ("id"),
      constraint "stock_movement_kind_check" check ("kind" in ('ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SALE', 'RETURN', 'RESTOCK')),
      constraint "stock_movement_delta_check" check (delta <> 0),
      constraint "stock_movement_delta_sign_check" check (
        kind = 'ADJUSTMENT'
        or (kind in ('RESTOCK', 'RETURN', 'RESERVATION') and delta > 0)
        or (kind in ('SALE', 'RELEASE') and delta < 0)
      )
    );`);
    this.addSql(`create index "stock_movement_variant_id_created_at_index" on "stock_movement" ("variant_id", "created_at");`);

    this.addSql(`create table "time_sale" (
      "id" uuid not null,
      "variant_id" uuid not null,
      "price_amount" integer not null,
      "currency" text not null,
      "quantity" integer not null,
      "claimed" integer not null default 0,
      "starts_at" timestamptz not null,
      "ends_at" timestamptz not null,
      "per_member_limit" integer not null,
      "created_at" timestamptz not null default now(),
      constraint "time_sale_pkey" primary key ("id"),
      constraint "time_sale_quantity_check" check (quantity > 0),
      constraint "time_sale_claimed_check" check (claimed >= 0 and claimed <= quantity),
      constraint "time_sale_window_check" check (ends_at > starts_at),
      constraint "time_sale_per_member_limit_check" check (per_member_limit > 0),
      constraint "time_sale_price_amount_check" check (price_amount >= 0)
    );`);
    this.addSql(`create index "time_sale_variant_id_index" on "time_sale" ("variant_id");`);
  }
}
