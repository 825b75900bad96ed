import { requireMember } from '@commerce/kit';
import { Arg, Authorized, Ctx, Directive, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { MembersContext } from '../context.js';
import { Member } from '../member/member.entity.js';
import { getMember } from '../member/member.service.js';
import { addToWishlist, forgetProduct, removeFromWishlist } from './wishlist.service.js';

const productId = () => Arg('productId', () => ID, { description: 'A catalog product ID.' });

@Resolver()
export class WishlistResolver {
  @Authorized()
  @Mutation(() => Member, { description: "Adds a product to the calling member's wishlist (no-op when it is there); returns the member." })
  async addToWishlist(@productId() id: string, @Ctx() context: MembersContext) {
    const { memberId } = requireMember(context);
    await addToWishlist(context.em, memberId, id);
    return getMember(context, memberId);
  }

  @Authorized()
  @Mutation(() => Member, { description: "Removes a product from the calling member's wishlist; returns the member." })
  async removeFromWishlist(@productId() id: string, @Ctx() context: MembersContext) {
    const { memberId } = requireMember(context);
    await removeFromWishlist(context.em, memberId, id);
    return getMember(context, memberId);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => Int, { description: 'Internal (catalog): a deleted product leaves every wishlist; answers how many held it. Idempotent.' })
  forgetProduct(@productId() id: string, @Ctx() { em }: MembersContext) {
    return forgetProduct(em, id);
  }
}
