import { ConnectionType } from '@commerce/kit';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { ProductVariant } from '../product-variant/product-variant.type.js';
import { LowStockAlert } from './low-stock-alert.entity.js';
import { listLowStockAlerts, markAlertRead } from './low-stock-alert.service.js';

const LowStockAlertConnection = ConnectionType('LowStockAlert', LowStockAlert);

@ArgsType()
class LowStockAlertsArgs {
  @Field(() => ID, { description: 'The store whose alerts to list.' })
  storeId!: string;

  @Field(() => Boolean, { nullable: true, description: 'Only alerts not marked read yet.' })
  unreadOnly?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'How many alerts to return (1 to 100, default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which to continue (endCursor of the previous page).' })
  after?: string | null;
}

@Resolver(() => LowStockAlert)
export class LowStockAlertResolver {
  @Query(() => LowStockAlertConnection, { description: "A store's low-stock alerts, newest first. The store's owner or an admin." })
  lowStockAlerts(@Args(() => LowStockAlertsArgs) args: LowStockAlertsArgs, @Ctx() context: InventoryContext) {
    return listLowStockAlerts(context, args);
  }

  @Mutation(() => LowStockAlert, { description: "Marks an alert read. The store's owner or an admin." })
  markAlertRead(@Arg('id', () => ID, { description: 'The alert ID.' }) id: string, @Ctx() context: InventoryContext): Promise<LowStockAlert> {
    return markAlertRead(context, id);
  }

  // Nullable, as the alert list must not go blank for a variant deleted before the catalog's message retired it.
  @FieldResolver(() => ProductVariant, { nullable: true, description: 'The variant that ran low; null once its seller deleted it from the catalog.' })
  variant(@Root() alert: LowStockAlert): ProductVariant {
    return { id: alert.variantId };
  }
}
