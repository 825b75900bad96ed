import { requireMember } from '@commerce/kit';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context.js';
import { Cart } from './cart.types.js';

@Resolver()
export class CartResolver {
  @Authorized()
  @Query(() => Cart, { description: "The calling member's cart, at current prices and availability." })
  cart(@Ctx() context: OrdersContext): Promise<Cart> {
    return context.services.carts.view(requireMember(context).memberId);
  }

  @Authorized()
  @Mutation(() => Cart, { description: 'Adds units of a variant; a variant already in the cart gets more units on its line.' })
  addToCart(
    @Arg('variantId', () => ID, { description: 'The variant to add.' }) variantId: string,
    @Arg('quantity', () => Int, { defaultValue: 1, description: 'Units to add, 1 to 99.' }) quantity: number,
    @Ctx() context: OrdersContext,
  ): Promise<Cart> {
    return context.services.carts.add(requireMember(context).memberId, variantId, quantity);
  }

  @Authorized()
  @Mutation(() => Cart, { description: "Sets a line's quantity (0 removes it)." })
  updateCartLine(
    @Arg('lineId', () => ID, { description: 'The cart line.' }) lineId: string,
    @Arg('quantity', () => Int, { description: 'Units wanted, 0 to 99.' }) quantity: number,
    @Ctx() context: OrdersContext,
  ): Promise<Cart> {
    return context.services.carts.setQuantity(requireMember(context).memberId, lineId, quantity);
  }

  @Authorized()
  @Mutation(() => Cart, { description: 'Removes a line.' })
  removeCartLine(@Arg('lineId', () => ID, { description: 'The cart line.' }) lineId: string, @Ctx() context: OrdersContext): Promise<Cart> {
    return context.services.carts.remove(requireMember(context).memberId, lineId);
  }
}
