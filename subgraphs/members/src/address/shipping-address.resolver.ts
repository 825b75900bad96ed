import { requireMember } from '@commerce/kit';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { MembersContext } from '../context.js';
import { ShippingAddress } from './shipping-address.entity.js';
import { ShippingAddressInput, ShippingAddressPatch } from './shipping-address.input.js';
import { addShippingAddress, removeShippingAddress, updateShippingAddress } from './shipping-address.service.js';

const addressId = () => Arg('id', () => ID, { description: 'One of the calling member’s address IDs.' });

@Resolver(() => ShippingAddress)
export class ShippingAddressResolver {
  @Authorized()
  @Mutation(() => ShippingAddress, { description: 'Adds a shipping address for the calling member (at most 20).' })
  addShippingAddress(@Arg('input', () => ShippingAddressInput, { description: 'The address.' }) input: ShippingAddressInput, @Ctx() context: MembersContext) {
    return addShippingAddress(context.em, requireMember(context).memberId, input);
  }

  @Authorized()
  @Mutation(() => ShippingAddress, { description: 'Changes one of the calling member’s addresses. NOT_FOUND for another’s.' })
  updateShippingAddress(
    @addressId() id: string,
    @Arg('input', () => ShippingAddressPatch, { description: 'What to change.' }) input: ShippingAddressPatch,
    @Ctx() context: MembersContext,
  ) {
    return updateShippingAddress(context.em, requireMember(context).memberId, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Removes one of the calling member’s addresses. NOT_FOUND for another’s.' })
  removeShippingAddress(@addressId() id: string, @Ctx() context: MembersContext) {
    return removeShippingAddress(context.em, requireMember(context).memberId, id);
  }
}
