import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Field, ID, ObjectType } from 'type-graphql';
import { PointEntryKind } from './point-entry-kind.js';

/**
 * One immutable line of a member's point ledger. The key (member, kind, idempotency key) is unique, so a
 * repeated request finds its first result instead of applying twice. Reservations use the order ID as key:
 * RESERVE, CONFIRM and RELEASE of one order are at most one row each.
 */
@ObjectType({ description: 'One change of a point balance.' })
@Entity({ tableName: 'point_entry' })
@Unique({ name: 'point_entry_idempotency_unique', properties: ['memberId', 'kind', 'idempotencyKey'] })
@Index({ name: 'point_entry_member_idx', properties: ['memberId', 'id'] })
export class PointEntry {
  [OptionalProps]?: 'createdAt' | 'memo' | 'relatedEntryId';

  @Field(() => ID, { description: 'Opaque entry ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  memberId!: string;

  @Field(() => PointEntryKind, { description: 'Why the balance changed.' })
  @Property({ type: 'text' })
  kind!: PointEntryKind;

  /** Signed change of the balance, in points (KRW); exposed as Money by PointEntryResolver. */
  @Property({ type: 'integer' })
  delta!: number;

  @Property({ type: 'integer' })
  balanceAfter!: number;

  @Property({ type: 'text' })
  idempotencyKey!: string;

  /** For a REFUND: the SPEND it gives back. */
  @Property({ type: 'uuid', nullable: true })
  relatedEntryId: string | null = null;

  @Field(() => String, { nullable: true, description: 'A note for the member, e.g. the order it belongs to.' })
  @Property({ type: 'text', nullable: true })
  memo: string | null = null;

  @Field({ description: 'When the change happened.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
