import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { StockLevel } from '../stock/stock-level.entity.js';
import { ProductVariant } from './product-variant.type.js';

@Resolver(() => ProductVariant)
export class ProductVariantResolver {
  // Nullable although inventory always answers it: the field comes from another subgraph than the variant, so a
  // product page must survive inventory being down (the gateway then returns null here with an error).
  @FieldResolver(() => StockLevel, {
    nullable: true,
    description: 'Stock of this variant; all zeros when inventory has never held any; null only when inventory cannot be reached.',
  })
  stock(@Root() variant: ProductVariant, @Ctx() { loaders }: InventoryContext): Promise<StockLevel> {
    return loaders.stockLevelByVariantId.load(variant.id);
  }
}
