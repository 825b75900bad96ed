import { OptionalProps } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Store } from './store.entity.js';

/** One member following one store; the composite key makes following twice impossible. */
@Entity({ tableName: 'store_follow' })
export class StoreFollow {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Store, { primary: true, deleteRule: 'cascade' })
  store!: Store;

  /** A member id: members owns Member rows, so no foreign key crosses subgraphs. */
  @PrimaryKey({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
