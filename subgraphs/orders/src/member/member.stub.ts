import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by the members subgraph; orders only knows the id and lets the gateway fetch the rest. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Member', { description: 'A person with an account: a customer, a seller or an admin.' })
export class Member {
  @Field(() => ID, { description: 'Opaque member ID.' })
  id!: string;
}

export const memberStub = (id: string): Member => ({ id });
