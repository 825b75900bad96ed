import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { StockLevel } from '../stock/stock-level.entity.js';
import { ProductVariant } from './product-variant.type.js';

@Resolver(() => ProductVariant)
export class ProductVariantResolver {
  @FieldResolver(() => StockLevel, {
    description: 'Stock of this variant; all zeros when inventory has never held any.',
  })
  stock(@Root() variant: ProductVariant, @Ctx() { loaders }: InventoryContext): Promise<StockLevel> {
    return loaders.stockLevelByVariantId.load(variant.id);
  }
}
