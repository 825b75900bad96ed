import { Migration } from '@mikro-orm/migrations';

/**
 * The idempotency record of stock returns (a cancelled or refunded order putting its units back): one row
 * per caller key, so a redelivered return adds nothing. A new file: shipped migrations are never edited.
 */
export class Migration20261222000000_stock_return extends Migration {
  override up(): void {
    this.addSql(`create table "stock_return" (
      "key" text not null,
      "reason" text not null,
      "created_at" timestamptz not null default now(),
      constraint "stock_return_pkey" primary key ("key"),
      constraint "stock_return_key_check" check (length(key) >= 1 and length(key) <= 200)
    );`);
  }
}
