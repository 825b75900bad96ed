import { OUTBOX_TABLE_SQL } from '@commerce/kit';
import { Migration } from '@mikro-orm/migrations';

/** Accounts and sessions, mail outbox, addresses, wishlist and the point ledger. */
export class Migration20261123000000_accounts extends Migration {
  override up(): void {
    this.addSql(`alter table "member" add "password_hash" text null;`);

    this.addSql(`create table "device_session" (
      "id" uuid not null,
      "member_id" uuid not null,
      "created_at" timestamptz not null default now(),
      "last_used_at" timestamptz not null default now(),
      "ended_at" timestamptz null,
      "end_reason" text null,
      "user_agent" text null,
      "client_address" text null,
      primary key ("id")
    );`);
    this.addSql(`create index "device_session_member_id_index" on "device_session" ("member_id");`);

    this.addSql(`create table "refresh_token" (
      "id" uuid not null,
      "session_id" uuid not null,
      "token_hash" text not null,
      "created_at" timestamptz not null default now(),
      "expires_at" timestamptz not null,
      "used_at" timestamptz null,
      primary key ("id")
    );`);
    this.addSql(`alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_token_session_id_index" on "refresh_token" ("session_id");`);

    this.addSql(`create table "email_token" (
      "id" uuid not null,
      "member_id" uuid not null,
      "purpose" text not null,
      "token_hash" text not null,
      "expires_at" timestamptz not null,
      "used_at" timestamptz null,
      "created_at" timestamptz not null default now(),
      primary key ("id")
    );`);
    this.addSql(`alter table "email_token" add constraint "email_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "email_token_member_id_index" on "email_token" ("member_id");`);

    this.addSql(`create table "shipping_address" (
      "id" uuid not null,
      "member_id" uuid not null,
      "recipient_name" text not null,
      "phone" text not null,
      "postal_code" text not null,
      "line1" text not null,
      "line2" text null,
      "city" text not null,
      "country" text not null default 'KR',
      "is_default" boolean not null default false,
      "created_at" timestamptz not null default now(),
      primary key ("id")
    );`);
    this.addSql(`create index "shipping_address_member_id_index" on "shipping_address" ("member_id");`);

    this.addSql(`create table "wishlist_item" (
      "member_id" uuid not null,
      "product_id" uuid not null,
      "created_at" timestamptz not null default now(),
      primary key ("member_id", "product_id")
    );`);

    this.addSql(`create table "point_wallet" (
      "member_id" uuid not null,
      "balance" int not null default 0,
      "updated_at" timestamptz not null default now(),
      primary key ("member_id"),
      constraint "point_wallet_balance_check" check (balance >= 0)
    );`);

    this.addSql(`create table "point_entry" (
      "id" uuid not null,
      "member_id" uuid not null,
      "kind" text not null,
      "delta" int not null,
      "balance_after" int not null,
      "idempotency_key" text not null,
      "related_entry_id" uuid null,
      "memo" text null,
      "created_at" timestamptz not null default now(),
      primary key ("id")
    );`);
    this.addSql(`create index "point_entry_member_idx" on "point_entry" ("member_id", "id");`);
    this.addSql(
      `alter table "point_entry" add constraint "point_entry_idempotency_unique" unique ("member_id", "kind", "idempotency_key");`,
    );

    for (const statement of OUTBOX_TABLE_SQL) this.addSql(statement);
  }
}
