import { OUTBOX_TABLE_SQL } from '@commerce/kit';
import { Migration } from '@mikro-orm/migrations';

/** Stores with followers, products with likes and full-text search, stock flags, sale prices, and the outbox. */
export class Migration20261201000000_catalog_commerce extends Migration {
  override up(): void {
    this.addSql(`alter table "store"
      add column "follower_count" int not null default 0,
      add constraint "store_follower_count_check" check (follower_count >= 0);`);
    this.addSql(`create table "store_follow" (
      "store_id" uuid not null,
      "member_id" uuid not null,
      "created_at" timestamptz not null default now(),
      constraint "store_follow_pkey" primary key ("store_id", "member_id"),
      constraint "store_follow_store_id_foreign" foreign key ("store_id") references "store" ("id") on delete cascade
    );`);

    this.addSql(`alter table "product"
      add column "like_count" int not null default 0,
      -- Kept in step with PRODUCT_SEARCH_VECTOR_SQL by the schema-diff test; a migration never imports app code.
      add column "search_vector" tsvector generated always as (setweight(to_tsvector('simple'::regconfig, COALESCE(name, ''::text)), 'A'::"char") || setweight(to_tsvector('simple'::regconfig, COALESCE(brand, ''::text)), 'B'::"char") || setweight(to_tsvector('simple'::regconfig, COALESCE(description, ''::text)), 'C'::"char")) stored,
      add constraint "product_like_count_check" check (like_count >= 0);`);
    this.addSql(`create index "product_search_vector_index" on "product" using gin ("search_vector");`);
    this.addSql(`create table "product_like" (
      "product_id" uuid not null,
      "member_id" uuid not null,
      "created_at" timestamptz not null default now(),
      constraint "product_like_pkey" primary key ("product_id", "member_id"),
      constraint "product_like_product_id_foreign" foreign key ("product_id") references "product" ("id") on delete cascade
    );`);

    // New variants are out of stock until inventory says otherwise: selling what nobody counted is worse.
    this.addSql(`alter table "product_variant" add column "in_stock" boolean not null default false;`);

    this.addSql(`create table "variant_sale_price" (
      "sale_id" uuid not null,
      "variant_id" uuid not null,
      "price_amount" int not null,
      "starts_at" timestamptz not null,
      "ends_at" timestamptz not null,
      constraint "variant_sale_price_pkey" primary key ("sale_id"),
      constraint "variant_sale_price_price_amount_check" check (price_amount >= 0),
      constraint "variant_sale_price_window_check" check (ends_at > starts_at),
      constraint "variant_sale_price_variant_id_foreign" foreign key ("variant_id") references "product_variant" ("id") on delete cascade
    );`);
    this.addSql(`create index "variant_sale_price_variant_id_ends_at_index" on "variant_sale_price" ("variant_id", "ends_at");`);

    for (const sql of OUTBOX_TABLE_SQL) this.addSql(sql);
  }
}
