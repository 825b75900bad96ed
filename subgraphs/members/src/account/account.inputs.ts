import { Field, InputType } from 'type-graphql';

@InputType({ description: 'What a new account needs.' })
export class SignUpInput {
  @Field({ description: 'Login email; a verification link is sent to it.' })
  email!: string;

  @Field({ description: 'At least 10 characters, not a well-known password, not the email or name.' })
  password!: string;

  @Field({ description: 'Display name, 1 to 80 characters.' })
  name!: string;
}
