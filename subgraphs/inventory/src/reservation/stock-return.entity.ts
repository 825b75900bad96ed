import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * One stock return that has happened, under the caller's idempotency key. Inserted first in the return's
 * transaction: a concurrent call with the same key waits on the primary key and then finds it, so the
 * units of one key go back once however often the caller's outbox redelivers.
 */
@Entity({ tableName: 'stock_return' })
@Check({ name: 'stock_return_key_check', expression: 'length(key) >= 1 and length(key) <= 200' })
export class StockReturn {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  reason!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
