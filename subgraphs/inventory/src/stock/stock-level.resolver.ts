import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { ProductVariant } from '../product-variant/product-variant.type.js';
import { adjustStock, setLowStockThreshold } from './stock-admin.service.js';
import { StockLevel } from './stock-level.entity.js';
import { AdjustStockResult, type StockWouldGoNegative } from './stock-would-go-negative.result.js';

@Resolver(() => StockLevel)
export class StockLevelResolver {
  @FieldResolver(() => ProductVariant, { description: 'The variant this stock belongs to.' })
  variant(@Root() level: StockLevel): ProductVariant {
    return { id: level.variantId };
  }

  @Mutation(() => AdjustStockResult, {
    description: "Corrects a variant's units on hand by delta (either sign), with a reason for the ledger. The store's owner or an admin.",
  })
  adjustStock(
    @Arg('variantId', () => ID, { description: 'The variant to adjust.' }) variantId: string,
    @Arg('delta', () => Int, { description: 'Units to add (positive) or remove (negative).' }) delta: number,
    @Arg('reason', { description: 'Why, for the stock ledger (a count, damage, a delivery…).' }) reason: string,
    @Ctx() context: InventoryContext,
  ): Promise<StockLevel | StockWouldGoNegative> {
    return adjustStock(context, { variantId, delta, reason });
  }

  @Mutation(() => StockLevel, {
    description: "Sets the level below which the store is alerted (0 turns alerts off). The store's owner or an admin.",
  })
  setLowStockThreshold(
    @Arg('variantId', () => ID, { description: 'The variant.' }) variantId: string,
    @Arg('threshold', () => Int, { description: 'Alert when available falls below this.' }) threshold: number,
    @Ctx() context: InventoryContext,
  ): Promise<StockLevel> {
    return setLowStockThreshold(context, variantId, threshold);
  }
}
