import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A member's point balance: the running sum of their ledger, kept in one row so that every ledger write
 * locks it first (one writer per member at a time) and the CHECK makes a negative balance impossible
 * even for a buggy caller.
 */
@Entity({ tableName: 'point_wallet' })
@Check({ name: 'point_wallet_balance_check', expression: 'balance >= 0' })
export class PointWallet {
  [OptionalProps]?: 'balance' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'integer', default: 0 })
  balance: number = 0;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
