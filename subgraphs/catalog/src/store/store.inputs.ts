import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new store; the calling member becomes its owner.' })
export class CreateStoreInput {
  @Field({ description: 'Display name, 1 to 100 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the store sells, up to 2000 characters.' })
  description?: string | null;
}

@InputType({ description: 'Changes to a store; omitted fields stay as they are.' })
export class UpdateStoreInput {
  @Field(() => String, { nullable: true, description: 'New display name, 1 to 100 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description; null or blank clears it.' })
  description?: string | null;
}
