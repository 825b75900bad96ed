import { MAX_PAGE_SIZE } from '@commerce/kit';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return, 1 to ${MAX_PAGE_SIZE}; 20 when omitted.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Continue after this cursor: the previous page's endCursor." })
  after?: string | null;
}
