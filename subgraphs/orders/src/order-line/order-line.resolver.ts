import { Money } from '@commerce/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { OrdersContext } from '../context.js';
import { ProductVariant, productVariantStub } from '../product-variant/product-variant.stub.js';
import { OrderLine } from './order-line.entity.js';

/** A line's money is in its order's currency; lines are reached through their order, so it is already in the loader's cache. */
async function orderCurrency(line: OrderLine, { loaders }: OrdersContext): Promise<string> {
  const order = await loaders.orderById.load(line.orderId);
  if (!order) throw new Error(`Order line ${line.id} belongs to no order.`);
  return order.currency;
}

@Resolver(() => OrderLine)
export class OrderLineResolver {
  // Nullable: a seller may delete the product later, and the catalog then resolves the variant to null; the
  // line keeps its own name and SKU, so the order still reads whole instead of being blanked by the gateway.
  @FieldResolver(() => ProductVariant, {
    nullable: true,
    description: 'The variant bought; null once its seller deleted it from the catalog (the line keeps its name and SKU).',
  })
  variant(@Root() line: OrderLine): ProductVariant {
    return productVariantStub(line.variantId);
  }

  @FieldResolver(() => Money, { description: 'Price of one unit as charged at checkout.' })
  async unitPrice(@Root() line: OrderLine, @Ctx() context: OrdersContext): Promise<Money> {
    return Money.of(line.unitPriceAmount, await orderCurrency(line, context));
  }

  @FieldResolver(() => Money, { description: 'Unit price × quantity.' })
  async lineTotal(@Root() line: OrderLine, @Ctx() context: OrdersContext): Promise<Money> {
    return Money.of(line.unitPriceAmount * line.quantity, await orderCurrency(line, context));
  }
}
