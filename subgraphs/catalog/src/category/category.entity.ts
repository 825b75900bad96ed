import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A department of the shop that products are filed under, e.g. Apparel.' })
@Entity({ tableName: 'category' })
@Check({ name: 'category_slug_check', expression: `slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'` })
export class Category {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: 'Opaque category ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field({ description: 'Display name, e.g. "Outdoor".' })
  @Property({ type: 'text' })
  name!: string;

  /** URLs and filters refer to categories by slug, so it must stay unique and URL-safe. */
  @Field({ description: 'URL-safe unique name: lower-case words joined by hyphens, e.g. "outdoor".' })
  @Property({ type: 'text' })
  @Unique()
  slug!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
