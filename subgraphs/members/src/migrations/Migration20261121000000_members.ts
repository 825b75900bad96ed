import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000000_members extends Migration {
  override up(): void {
    this.addSql(`create table "member" (
      "id" uuid not null,
      "email" text not null,
      "name" text not null,
      "email_verified" boolean not null default false,
      "roles" text[] not null default '{CUSTOMER}',
      "created_at" timestamptz not null default now(),
      constraint "member_pkey" primary key ("id")
    );`);
    this.addSql(`alter table "member" add constraint "member_email_unique" unique ("email");`);
  }
}
