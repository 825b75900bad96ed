import { OptionalProps } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Product } from './product.entity.js';

/** One member liking one product; the composite key makes liking twice impossible. */
@Entity({ tableName: 'product_like' })
export class ProductLike {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Product, { primary: true, deleteRule: 'cascade' })
  product!: Product;

  /** A member id: members owns Member rows, so no foreign key crosses subgraphs. */
  @PrimaryKey({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
