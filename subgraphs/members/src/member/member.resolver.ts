import { type Connection, Money, PageArgs, requireMember } from '@commerce/kit';
import { Arg, Args, Authorized, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ShippingAddress } from '../address/shipping-address.entity.js';
import type { MembersContext } from '../context.js';
import { PointEntryConnection } from '../points/point-entry.connection.js';
import type { PointEntry } from '../points/point-entry.entity.js';
import { pointHistory } from '../points/point-history.service.js';
import { points } from '../points/point-ledger.service.js';
import { DeviceSession } from '../session/device-session.entity.js';
import { liveSessions } from '../session/session.service.js';
import { ProductStub, productStub } from '../wishlist/product.stub.js';
import { Member } from './member.entity.js';
import { canPurchase, getMember, grantSellerRole, requireSelfOrAdmin, updateProfile } from './member.service.js';
import { UpdateProfileInput } from './update-profile.input.js';

/** Members reach the supergraph as entities too (an order's buyer, a store's owner); see `resolveMemberReference`. */
@Resolver(() => Member)
export class MemberResolver {
  @Authorized()
  @Query(() => Member, { description: 'The calling member ("my page"). UNAUTHENTICATED when anonymous.' })
  me(@Ctx() context: MembersContext) {
    return getMember(context, requireMember(context).memberId);
  }

  @Query(() => Member, { description: 'A member by ID: anyone sees the name; private fields only the member and admins. NOT_FOUND when there is none.' })
  member(@Arg('id', () => ID, { description: 'The member ID.' }) id: string, @Ctx() context: MembersContext) {
    return getMember(context, id);
  }

  @Authorized()
  @Mutation(() => Member, { description: "Changes the calling member's profile." })
  updateProfile(@Arg('input', () => UpdateProfileInput, { description: 'What to change.' }) input: UpdateProfileInput, @Ctx() context: MembersContext) {
    return updateProfile(context.em, requireMember(context).memberId, input);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => Member, { description: 'Internal (catalog): makes the member a SELLER when they open their first store. Idempotent.' })
  grantSellerRole(@Arg('memberId', () => ID, { description: 'The store owner.' }) memberId: string, @Ctx() { em }: MembersContext) {
    return grantSellerRole(em, memberId);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Query(() => Boolean, { description: 'Internal (orders, inventory): whether the member may check out or claim a time-sale now.' })
  async memberCanPurchase(@Arg('memberId', () => ID, { description: 'The buyer.' }) memberId: string, @Ctx() context: MembersContext) {
    return canPurchase(await getMember(context, memberId), context.services.config.REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE);
  }

  @FieldResolver(() => String, { description: 'Login email. Only the member themself and admins may read it.' })
  email(@Root() member: Member, @Ctx() context: MembersContext): string {
    requireSelfOrAdmin(context, member);
    return member.email;
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether the member may check out and claim time-sales now (the shop may require a verified email). Private.',
  })
  canPurchase(@Root() member: Member, @Ctx() context: MembersContext): boolean {
    requireSelfOrAdmin(context, member);
    return canPurchase(member, context.services.config.REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE);
  }

  @FieldResolver(() => Money, { description: 'Points available to spend (1 point = 1 KRW). Private.' })
  async pointBalance(@Root() member: Member, @Ctx() context: MembersContext): Promise<Money> {
    requireSelfOrAdmin(context, member);
    const [wallet] = await context.loaders.walletOfMember.load(member.id);
    return points(wallet?.balance ?? 0);
  }

  @FieldResolver(() => PointEntryConnection, { description: 'The point ledger, newest first. Private.' })
  pointHistory(@Root() member: Member, @Args() page: PageArgs, @Ctx() context: MembersContext): Promise<Connection<PointEntry>> {
    requireSelfOrAdmin(context, member);
    return pointHistory(context.em, member.id, page);
  }

  // Items are nullable: an id the catalog no longer knows (a product deleted before catalog's outbox told members,
  // or never there) resolves to null through the gateway, which would otherwise blank the member's whole page.
  @FieldResolver(() => [ProductStub], {
    nullable: 'items',
    description: 'Products the member saved for later, most recently added first; null for one the catalog no longer has (it leaves the list once the catalog reports its deletion). Private.',
  })
  async wishlist(@Root() member: Member, @Ctx() context: MembersContext): Promise<ProductStub[]> {
    requireSelfOrAdmin(context, member);
    const items = await context.loaders.wishlistOfMember.load(member.id);
    return items.map((item) => productStub(item.productId));
  }

  @FieldResolver(() => [ShippingAddress], { description: 'Where the member has parcels delivered, oldest first. Private.' })
  addresses(@Root() member: Member, @Ctx() context: MembersContext): Promise<ShippingAddress[]> {
    requireSelfOrAdmin(context, member);
    return context.loaders.addressesOfMember.load(member.id);
  }

  @FieldResolver(() => [DeviceSession], { description: 'Devices where the member is logged in, newest first. Private.' })
  sessions(@Root() member: Member, @Ctx() context: MembersContext): Promise<DeviceSession[]> {
    requireSelfOrAdmin(context, member);
    return liveSessions(context.em, member.id);
  }
}
