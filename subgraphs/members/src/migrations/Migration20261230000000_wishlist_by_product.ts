import { Migration } from '@mikro-orm/migrations';

/**
 * A product the catalog deletes leaves every wishlist (forgetProduct): found by product, which the primary key
 * (member, product) cannot serve. A new file: shipped migrations are never edited.
 */
export class Migration20261230000000_wishlist_by_product extends Migration {
  override up(): void {
    this.addSql(`create index "wishlist_item_product_id_index" on "wishlist_item" ("product_id");`);
  }
}
