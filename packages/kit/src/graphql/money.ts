import 'reflect-metadata';
import { Directive, Field, Int, ObjectType } from 'type-graphql';

/**
 * The largest amount a Money can show: `amount` travels as a GraphQL Int, which is 32-bit. Every total built
 * from prices (a cart line, a cart, a coupon's lines) must stay at or below it, or reading it fails.
 */
export const MAX_MONEY_AMOUNT = 2_147_483_647;

/**
 * The highest unit price a seller may ask, regular (catalog) or time-sale (inventory): a sanity bound that
 * catches a price typed with extra zeros. It cannot keep quantity × price inside MAX_MONEY_AMOUNT on its own
 * (25,000,000 × 86 is already past it), so whatever sums prices checks the total as well.
 */
export const MAX_UNIT_PRICE = 1_000_000_000;

/**
 * An amount of money as an integer count of the currency's minor unit (cents for USD, won for KRW,
 * which has none), never a float. Shared by every subgraph that shows prices.
 */
@Directive('@shareable')
@ObjectType({ description: "An amount of money in the currency's minor unit (KRW has none), never a float." })
export class Money {
  @Field(() => Int, { description: 'Amount in minor units.' })
  amount!: number;

  @Field({ description: 'ISO 4217 currency code, e.g. KRW.' })
  currency!: string;

  static of(amount: number, currency: string): Money {
    const money = new Money();
    money.amount = amount;
    money.currency = currency;
    return money;
  }
}
