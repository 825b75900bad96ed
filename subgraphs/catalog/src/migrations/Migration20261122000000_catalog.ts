import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000000_catalog extends Migration {
  override up(): void {
    this.addSql(`create table "category" (
      "id" uuid not null,
      "name" text not null,
      "slug" text not null,
      "created_at" timestamptz not null default now(),
      constraint "category_pkey" primary key ("id"),
      constraint "category_slug_unique" unique ("slug"),
      constraint "category_slug_check" check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
    );`);

    this.addSql(`create table "store" (
      "id" uuid not null,
      "name" text not null,
      "description" text null,
      "owner_id" uuid not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "store_pkey" primary key ("id"),
      constraint "store_name_check" check (length(btrim(name)) > 0)
    );`);
    this.addSql(`create index "store_owner_id_index" on "store" ("owner_id");`);

    this.addSql(`create table "product" (
      "id" uuid not null,
      "store_id" uuid not null,
      "category_id" uuid null,
      "name" text not null,
      "description" text null,
      "brand" text null,
      "image_urls" text[] not null default '{}',
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "product_pkey" primary key ("id"),
      constraint "product_name_check" check (length(btrim(name)) > 0),
      constraint "product_store_id_foreign" foreign key ("store_id") references "store" ("id") on delete no action,
      constraint "product_category_id_foreign" foreign key ("category_id") references "category" ("id") on delete set null
    );`);
    this.addSql(`create index "product_store_id_id_index" on "product" ("store_id", "id");`);
    this.addSql(`create index "product_category_id_id_index" on "product" ("category_id", "id");`);

    this.addSql(`create table "product_variant" (
      "id" uuid not null,
      "product_id" uuid not null,
      "sku" text not null,
      "options" jsonb not null default '[]',
      "price_amount" int not null,
      "currency" text not null,
      "position" int not null default 0,
      "created_at" timestamptz not null default now(),
      constraint "product_variant_pkey" primary key ("id"),
      constraint "product_variant_sku_unique" unique ("sku"),
      constraint "product_variant_price_amount_check" check (price_amount >= 0),
      constraint "product_variant_currency_check" check (currency ~ '^[A-Z]{3}$'),
      constraint "product_variant_position_check" check (position >= 0),
      constraint "product_variant_sku_check" check (length(btrim(sku)) > 0),
      constraint "product_variant_options_check" check (jsonb_typeof(options) = 'array'),
      constraint "product_variant_product_id_foreign" foreign key ("product_id") references "product" ("id") on delete cascade
    );`);
    this.addSql(`create index "product_variant_product_id_position_index" on "product_variant" ("product_id", "position");`);
  }
}
