import { ArgsType, Field } from 'type-graphql';
import { PageArgs } from '../common/page.args.js';

@ArgsType()
export class StoresArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Case-insensitive text matched against store name and description.' })
  search?: string | null;
}
