import { Money } from '@commerce/kit';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

@ObjectType({ description: "One store's settlement for one day and currency." })
export class Settlement {
  @Field(() => ID, { description: 'Opaque settlement ID.' })
  id!: string;

  @Field(() => ID, { description: 'The store.' })
  storeId!: string;

  @Field({ description: 'The local calendar day settled, YYYY-MM-DD.' })
  date!: string;

  @Field(() => Int, { description: 'Orders paid that day.' })
  orderCount!: number;

  @Field(() => Int, { description: 'Orders whose money went back that day.' })
  refundCount!: number;

  @Field(() => Money, { description: 'What buyers paid for goods that day (subtotal − coupon discounts), cash and points.' })
  grossSales!: Money;

  @Field(() => Money, { description: 'Money that went back that day (refunds and cancellations after payment).' })
  refunds!: Money;

  @Field(() => Money, { description: 'Platform fee: fee rate × gross − fee rate × refunds, each rounded half up.' })
  platformFee!: Money;

  @Field(() => Money, { description: 'gross − refunds − fee; negative carries over as owed by the seller.' })
  payout!: Money;

  @Field(() => Int, { description: 'The fee rate applied, in basis points.' })
  feeBps!: number;
}

export enum SalesReportGrouping {
  PRODUCT = 'PRODUCT',
  DAY = 'DAY',
}
registerEnumType(SalesReportGrouping, {
  name: 'SalesReportGrouping',
  description: 'How a sales report groups its rows.',
  valuesConfig: { PRODUCT: { description: 'One row per product.' }, DAY: { description: 'One row per local day.' } },
});

@ObjectType({ description: 'Sales of one product or day.' })
export class SalesReportRow {
  @Field({ description: 'The product ID or the date (YYYY-MM-DD).' })
  key!: string;

  @Field({ description: 'Product name (as sold) or the date.' })
  label!: string;

  @Field(() => Int, { description: 'Units sold (paid) in the period.' })
  units!: number;

  @Field(() => Money, { description: 'What buyers paid for them (after coupon discounts).' })
  revenue!: Money;

  @Field(() => Int, { description: 'Units whose money went back in the period.' })
  refundedUnits!: number;

  @Field(() => Money, { description: 'Money that went back in the period.' })
  refunds!: Money;
}

@ObjectType({ description: "A store's sales over a period." })
export class SalesReport {
  @Field(() => ID, { description: 'The store.' })
  storeId!: string;

  @Field({ description: 'First local day, YYYY-MM-DD.' })
  from!: string;

  @Field({ description: 'Last local day, YYYY-MM-DD (included).' })
  to!: string;

  @Field(() => SalesReportGrouping, { description: 'How rows are grouped.' })
  groupBy!: SalesReportGrouping;

  @Field(() => [SalesReportRow], { description: 'Rows in key order.' })
  rows!: SalesReportRow[];
}
