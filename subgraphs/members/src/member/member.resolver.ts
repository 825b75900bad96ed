import { Resolver } from 'type-graphql';
import { Member } from './member.entity.js';

/** Members reach the supergraph as entities (an order's buyer, a store's owner); see `resolveMemberReference`. */
@Resolver(() => Member)
export class MemberResolver {}
