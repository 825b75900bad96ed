import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Members owns Member; catalog only hands out its key so the gateway fetches the rest there. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Member', { description: 'A person with an account: a customer, a seller or an admin.' })
export class MemberStub {
  @Field(() => ID, { description: 'Opaque member ID.' })
  id!: string;
}

export const memberStub = (id: string): MemberStub => ({ id });
