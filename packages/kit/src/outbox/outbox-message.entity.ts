import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '../ids/ids.js';

/**
 * A side effect (a mail, a call to another subgraph) recorded in the same transaction as the change that
 * causes it, then carried out by the relay: the change and its consequence happen both or neither.
 */
@Entity({ tableName: 'outbox_message' })
@Index({ name: 'outbox_message_pending_idx', properties: ['nextAttemptAt'], expression: 'create index "outbox_message_pending_idx" on "outbox_message" ("next_attempt_at") where "delivered_at" is null' })
export class OutboxMessage {
  [OptionalProps]?: 'attempts' | 'nextAttemptAt' | 'deliveredAt' | 'lastError' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'text' })
  topic!: string;

  @Property({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * The DDL of the outbox table, for a subgraph's migration. Frozen: a later change to the table gets a
 * migration of its own rather than an edit here.
 */
export const OUTBOX_TABLE_SQL = [
  `create table "outbox_message" (
    "id" uuid not null,
    "topic" text not null,
    "payload" jsonb not null,
    "attempts" integer not null default 0,
    "next_attempt_at" timestamptz not null default now(),
    "delivered_at" timestamptz null,
    "last_error" text null,
    "created_at" timestamptz not null default now(),
    constraint "outbox_message_pkey" primary key ("id")
  );`,
  `create index "outbox_message_pending_idx" on "outbox_message" ("next_attempt_at") where "delivered_at" is null;`,
];
