import { Migration } from '@mikro-orm/migrations';

export class Migration20261121040000_orders extends Migration {
  override up(): void {
    // "order" is a reserved word; the table is named for what it holds instead of being quoted everywhere.
    this.addSql(`create table "customer_order" (
      "id" uuid not null,
      "number" text not null,
      "status" text check ("status" in ('PENDING_PAYMENT', 'PAID', 'PREPARING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUND_REQUESTED', 'REFUNDED', 'REFUND_REJECTED')) not null default 'PENDING_PAYMENT',
      "buyer_id" uuid not null,
      "coupon_template_id" uuid null,
      "subtotal_amount" int not null,
      "discount_amount" int not null default 0,
      "points_used" int not null default 0,
      "total_amount" int not null,
      "currency" text not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "customer_order_pkey" primary key ("id"),
      constraint "customer_order_amounts_check" check (subtotal_amount >= 0 and discount_amount >= 0 and points_used >= 0 and total_amount >= 0),
      constraint "customer_order_total_check" check (total_amount = subtotal_amount - discount_amount - points_used)
    );`);
    this.addSql(`alter table "customer_order" add constraint "customer_order_number_unique" unique ("number");`);
    this.addSql(`create index "customer_order_buyer_id_id_index" on "customer_order" ("buyer_id", "id");`);

    this.addSql(`create table "order_line" (
      "id" uuid not null,
      "order_id" uuid not null,
      "variant_id" uuid not null,
      "quantity" int not null,
      "unit_price_amount" int not null,
      constraint "order_line_pkey" primary key ("id"),
      constraint "order_line_quantity_check" check (quantity > 0),
      constraint "order_line_unit_price_amount_check" check (unit_price_amount >= 0)
    );`);
    this.addSql(`create index "order_line_order_id_index" on "order_line" ("order_id");`);
    this.addSql(`alter table "order_line" add constraint "order_line_order_id_foreign" foreign key ("order_id") references "customer_order" ("id");`);
  }
}
