import { ErrorResult } from '@commerce/kit';
import { createUnionType, Field, ID, Int, ObjectType } from 'type-graphql';
import { StockLevel } from './stock-level.entity.js';

@ObjectType({ implements: ErrorResult, description: 'The adjustment would leave fewer units available than zero; nothing changed.' })
export class StockWouldGoNegative extends ErrorResult {
  @Field(() => ID, { description: 'The variant whose stock was to be adjusted.' })
  variantId!: string;

  @Field(() => Int, { description: 'The adjustment that was refused.' })
  delta!: number;

  @Field(() => Int, { description: 'Units available when it was refused.' })
  available!: number;

  static of(variantId: string, delta: number, available: number): StockWouldGoNegative {
    const result = new StockWouldGoNegative();
    result.code = 'STOCK_WOULD_GO_NEGATIVE';
    result.message = `Adjusting by ${delta} would leave ${available + delta} units available; at least 0 must remain.`;
    result.variantId = variantId;
    result.delta = delta;
    result.available = available;
    return result;
  }
}

export const AdjustStockResult = createUnionType({
  name: 'AdjustStockResult',
  description: 'The stock after the adjustment, or why it was refused.',
  types: () => [StockLevel, StockWouldGoNegative] as const,
});
