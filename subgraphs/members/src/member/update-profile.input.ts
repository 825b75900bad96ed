import { Field, InputType } from 'type-graphql';

@InputType({ description: "Changes to the calling member's profile; omitted fields stay as they are." })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: 'Display name, 1 to 80 characters.' })
  name?: string | null;
}
