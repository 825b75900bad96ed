import { PageArgs } from '@commerce/kit';
import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class StoresArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Case-insensitive text matched against store name and description.' })
  search?: string | null;
}
