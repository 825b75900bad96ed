import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: "A seller's shop front: it belongs to one member and lists products." })
@Entity({ tableName: 'store' })
@Check({ name: 'store_name_check', expression: `length(btrim(name)) > 0` })
@Check({ name: 'store_follower_count_check', expression: 'follower_count >= 0' })
export class Store {
  [OptionalProps]?: 'description' | 'followerCount' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Opaque store ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field({ description: 'Display name of the store.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the store sells, in its own words.' })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  /** A member id: members owns the Member rows, so there is no foreign key across subgraphs. */
  @Property({ type: 'uuid' })
  @Index()
  ownerId!: string;

  /**
   * Kept by the same statement that adds or removes a follow row (see store-follow.service), so it is
   * exact under concurrent follows without counting rows on every read.
   */
  @Field(() => Int, { description: 'How many members follow the store.' })
  @Property({ type: 'integer', default: 0 })
  followerCount: number = 0;

  @Field({ description: 'When the store was opened.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
