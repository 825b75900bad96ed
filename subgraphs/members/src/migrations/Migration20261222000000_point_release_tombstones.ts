import { Migration } from '@mikro-orm/migrations';

/**
 * Releases of orders that held no points: the saga compensated a reserve that had not (yet) arrived. The row
 * makes that late reserve hold nothing. A new file: shipped migrations are never edited.
 */
export class Migration20261222000000_point_release_tombstones extends Migration {
  override up(): void {
    this.addSql(`create table "point_release_tombstone" (
      "order_id" uuid not null,
      "created_at" timestamptz not null default now(),
      constraint "point_release_tombstone_pkey" primary key ("order_id")
    );`);
  }
}
