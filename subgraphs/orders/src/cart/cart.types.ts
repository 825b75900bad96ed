import { MAX_MONEY_AMOUNT, Money } from '@commerce/kit';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ProductVariant } from '../product-variant/product-variant.stub.js';

export enum CartNoticeKind {
  PRICE_CHANGED = 'PRICE_CHANGED',
  OPTIONS_CHANGED = 'OPTIONS_CHANGED',
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  UNAVAILABLE = 'UNAVAILABLE',
  TOTAL_TOO_LARGE = 'TOTAL_TOO_LARGE',
}
registerEnumType(CartNoticeKind, {
  name: 'CartNoticeKind',
  description: 'Why a cart line has a notice: how its variant changed since it went into the cart, or why the line cannot be bought as it is.',
  valuesConfig: {
    PRICE_CHANGED: { description: 'Its price is not the one shown when it was added.' },
    OPTIONS_CHANGED: { description: 'Its options (size, colour…) were edited.' },
    OUT_OF_STOCK: { description: 'It cannot be bought now: no units are left, or fewer than the line wants.' },
    UNAVAILABLE: { description: 'The catalog no longer sells it.' },
    TOTAL_TOO_LARGE: {
      description: `At its current price the line, or the cart with it, would come to more than ${MAX_MONEY_AMOUNT} (the largest amount shown): lower the quantity.`,
    },
  },
});

@ObjectType({ description: 'What changed about a cart line since it was added.' })
export class CartLineNotice {
  @Field(() => [CartNoticeKind], { description: 'Every change that applies.' })
  kinds!: CartNoticeKind[];

  @Field({ description: 'A sentence to show the member.' })
  message!: string;

  @Field(() => Money, { description: 'The unit price when the line was added.' })
  priceWhenAdded!: Money;
}

@ObjectType({ description: 'One variant in the cart, at its current price.' })
export class CartLine {
  @Field(() => ID, { description: 'Opaque cart line ID.' })
  id!: string;

  @Field(() => ProductVariant, {
    nullable: true,
    description: 'The variant; null once the catalog no longer has it (its seller deleted it): the notice then says UNAVAILABLE.',
  })
  variant!: ProductVariant | null;

  @Field(() => Int, { description: 'Units wanted.' })
  quantity!: number;

  @Field(() => Money, { nullable: true, description: 'Current unit price; null when the catalog no longer sells the variant.' })
  unitPrice!: Money | null;

  @Field(() => Money, {
    nullable: true,
    description: `Current unit price × quantity; null when the catalog no longer sells the variant, or when it would be more than ${MAX_MONEY_AMOUNT} (the notice then says TOTAL_TOO_LARGE).`,
  })
  lineTotal!: Money | null;

  @Field({ description: 'Whether it can be bought now: sold, enough units in stock, and a total that fits. Only these count in the subtotal.' })
  available!: boolean;

  @Field(() => CartLineNotice, { nullable: true, description: 'Set when the variant changed since it was added (price, options, stock) or the line cannot be totalled.' })
  notice!: CartLineNotice | null;

  @Field({ description: 'When it was added.' })
  addedAt!: Date;
}

@ObjectType({ description: "The calling member's cart. It lives 30 days after its last change." })
export class Cart {
  @Field(() => [CartLine], { description: 'Lines, oldest first.' })
  lines!: CartLine[];

  @Field(() => Money, {
    nullable: true,
    description: `Sum of the available lines at current prices, at most ${MAX_MONEY_AMOUNT}; null when no line is available (no currency to state).`,
  })
  subtotal!: Money | null;

  @Field(() => Int, { description: 'Units over all lines.' })
  itemCount!: number;
}
