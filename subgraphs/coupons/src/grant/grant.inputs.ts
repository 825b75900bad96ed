import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which members a grant targets: exactly one of the fields.' })
export class MemberFilterInput {
  @Field(() => String, { nullable: true, description: 'Every member whose email is at exactly this domain, e.g. snu.ac.kr.' })
  emailDomain?: string | null;

  @Field(() => [ID], { nullable: true, description: 'These members (up to 10,000).' })
  memberIds?: string[] | null;
}
