import { Migration } from '@mikro-orm/migrations';

/**
 * Variants the catalog deleted (retireVariants): their stock rows are marked, not removed, so the ledger keeps its
 * history; their alerts are looked up by variant when they go. A new file: shipped migrations are never edited.
 */
export class Migration20261230000000_variant_retirement extends Migration {
  override up(): void {
    this.addSql(`alter table "stock_level" add column "retired_at" timestamptz null;`);
    this.addSql(`create index "low_stock_alert_variant_id_index" on "low_stock_alert" ("variant_id");`);
  }
}
