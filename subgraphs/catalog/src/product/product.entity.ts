import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Category } from '../category/category.entity.js';
import { Store } from '../store/store.entity.js';
import { PRODUCT_SEARCH_VECTOR_SQL } from './product-search.sql.js';

/** `store`, `category` and `variants` are GraphQL fields of ProductResolver, so they load through DataLoaders. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'Something a store sells, offered in one or more variants (sizes, colours…).' })
@Entity({ tableName: 'product' })
@Check({ name: 'product_name_check', expression: `length(btrim(name)) > 0` })
@Check({ name: 'product_like_count_check', expression: 'like_count >= 0' })
// Listings filter by store or category and page by id: each index serves both the filter and the order.
@Index({ name: 'product_store_id_id_index', properties: ['store', 'id'] })
@Index({ name: 'product_category_id_id_index', properties: ['category', 'id'] })
@Index({ name: 'product_search_vector_index', properties: ['searchVector'], expression: 'create index "product_search_vector_index" on "product" using gin ("search_vector")' })
export class Product {
  [OptionalProps]?: 'category' | 'description' | 'brand' | 'imageUrls' | 'likeCount' | 'searchVector' | 'createdAt' | 'updatedAt';

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

  /** Kept by the statement that adds or removes a like row (see product-like.service): exact under concurrency. */
  @Field(() => Int, { description: 'How many members like the product.' })
  @Property({ type: 'integer', default: 0 })
  likeCount: number = 0;

  /** Written by PostgreSQL from name, brand and description; never loaded (lazy) and never written by us. */
  @Property({ type: 'tsvector', generated: `(${PRODUCT_SEARCH_VECTOR_SQL}) stored`, lazy: true, hidden: true })
  searchVector?: string;

  @Field({ description: 'When the product was listed.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
