import { ConnectionType } from '@commerce/kit';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { ProductVariant } from '../product-variant/product-variant.type.js';
import { TimeSale } from './time-sale.entity.js';
import { findTimeSale, listTimeSales } from './time-sale.service.js';
import { TimeSaleStatus, timeSaleStatusAt } from './time-sale-status.js';

const TimeSaleConnection = ConnectionType('TimeSale', TimeSale);

@ArgsType()
class TimeSalesArgs {
  @Field(() => Int, { nullable: true, description: 'How many sales to return (1 to 100, default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which to continue (endCursor of the previous page).' })
  after?: string | null;
}

@Resolver(() => TimeSale)
export class TimeSaleResolver {
  @Query(() => TimeSale, { description: 'One time-sale by id.' })
  timeSale(
    @Arg('id', () => ID, { description: 'The time-sale ID.' }) id: string,
    @Ctx() context: InventoryContext,
  ): Promise<TimeSale> {
    return findTimeSale(context, id);
  }

  @Query(() => TimeSaleConnection, { description: 'Time-sales, oldest first.' })
  timeSales(@Args(() => TimeSalesArgs) args: TimeSalesArgs, @Ctx() context: InventoryContext) {
    return listTimeSales(context, args);
  }

  @FieldResolver(() => ProductVariant, { description: 'The variant on sale.' })
  variant(@Root() sale: TimeSale): ProductVariant {
    return { id: sale.variantId };
  }

  @FieldResolver(() => TimeSaleStatus, { description: 'Whether the sale is scheduled, open or over, by the server clock.' })
  status(@Root() sale: TimeSale): TimeSaleStatus {
    return timeSaleStatusAt(sale, new Date());
  }
}
