import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000000_coupons extends Migration {
  override up(): void {
    this.addSql(`create table "coupon_template" (
      "id" uuid not null,
      "name" text not null,
      "kind" text not null,
      "value" int not null,
      "max_discount_amount" int null,
      "min_order_amount" int not null default 0,
      "currency" text not null,
      "scope" text not null,
      "scope_ids" uuid[] not null default '{}',
      "valid_from" timestamptz not null,
      "valid_to" timestamptz null,
      "total_limit" int null,
      "per_member_limit" int not null default 1,
      "code" text null,
      "created_at" timestamptz not null default now(),
      constraint "coupon_template_pkey" primary key ("id"),
      constraint "coupon_template_kind_check" check ("kind" in ('FIXED', 'PERCENT')),
      constraint "coupon_template_value_check"
        check ((kind = 'FIXED' and value > 0) or (kind = 'PERCENT' and value between 1 and 100)),
      constraint "coupon_template_max_discount_amount_check" check (max_discount_amount > 0),
      constraint "coupon_template_min_order_amount_check" check (min_order_amount >= 0),
      constraint "coupon_template_currency_check" check (currency ~ '^[A-Z]{3}$'),
      constraint "coupon_template_scope_check" check ("scope" in ('ALL', 'STORE', 'CATEGORY', 'PRODUCTS')),
      constraint "coupon_template_scope_ids_check" check ((scope = 'ALL') = (cardinality(scope_ids) = 0)),
      constraint "coupon_template_valid_to_check" check (valid_to > valid_from),
      constraint "coupon_template_total_limit_check" check (total_limit > 0),
      constraint "coupon_template_per_member_limit_check" check (per_member_limit > 0),
      constraint "coupon_template_code_check" check (code = upper(code))
    );`);
    // Codes are stored upper-cased (see the check above), so this also rejects codes differing only in case.
    this.addSql(`alter table "coupon_template" add constraint "coupon_template_code_unique" unique ("code");`);
  }
}
