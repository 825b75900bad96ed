import 'reflect-metadata';
import { Directive, Field, Int, ObjectType } from 'type-graphql';

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
