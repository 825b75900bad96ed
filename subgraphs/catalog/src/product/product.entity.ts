import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Category } from '../category/category.entity.js';
import { Store } from '../store/store.entity.js';

/** `store`, `category` and `variants` are GraphQL fields of ProductResolver, so they load through DataLoaders. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'Something a store sells, offered in one or more variants (sizes, colours…).' })
@Entity({ tableName: 'product' })
@Check({ name: 'product_name_check', expression: `length(btrim(name)) > 0` })
// Listings filter by store or category and page by id: each index serves both the filter and the order.
@Index({ name: 'product_store_id_id_index', properties: ['store', 'id'] })
@Index({ name: 'product_category_id_id_index', properties: ['category', 'id'] })
export class Product {
  [OptionalProps]?: 'category' | 'description' | 'brand' | 'imageUrls' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Opaque product ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  // A store with products cannot vanish under them: closing a store is an explicit decision (later).
  @ManyToOne(() => Store, { deleteRule: 'no action' })
  store!: Store;

  @ManyToOne(() => Category, { nullable: true, deleteRule: 'set null' })
  category: Category | null = null;

  @Field({ description: 'Display name of the product.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Longer text describing the product.' })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Field(() => String, { nullable: true, description: 'Brand or maker, when it matters to buyers.' })
  @Property({ type: 'text', nullable: true })
  brand: string | null = null;

  @Field(() => [String], { description: 'Image URLs, the first one being the main picture.' })
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  imageUrls: string[] = [];

  @Field({ description: 'When the product was listed.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
