import { Arg, Authorized, Ctx, Directive, ID, Int, Query, Resolver } from 'type-graphql';
import type { MembersContext } from '../context.js';
import { membersByEmailDomain } from './members-by-email-domain.service.js';

/** Internal member selection for other services (coupons' bulk grants); emails never leave this subgraph. */
@Resolver()
export class MembersByEmailDomainResolver {
  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Query(() => [ID], {
    description: 'Internal (coupons): IDs of members whose email is at exactly this domain, in ID order, keyset-paged.',
  })
  membersByEmailDomain(
    @Arg('domain', { description: 'The email domain, e.g. snu.ac.kr; subdomains do not match.' }) domain: string,
    @Arg('after', () => ID, { nullable: true, description: 'Return the IDs after this member ID (the last of the previous page).' })
    after: string | null,
    @Arg('first', () => Int, { description: 'How many IDs to return (1 to 1,000).' }) first: number,
    @Ctx() { em }: MembersContext,
  ): Promise<string[]> {
    return membersByEmailDomain(em, domain, after ?? null, first);
  }
}
