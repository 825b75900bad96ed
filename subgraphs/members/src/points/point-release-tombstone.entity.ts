import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * An order whose points were released before anything was reserved for it. A ledger entry cannot say so
 * (it belongs to a member, and a release of an unknown order names none), hence a row keyed by the order.
 */
@Entity({ tableName: 'point_release_tombstone' })
export class PointReleaseTombstone {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
