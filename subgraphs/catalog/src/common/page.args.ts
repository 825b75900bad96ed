import { MAX_PAGE_SIZE, readPageArgs, requireUuid } from '@commerce/kit';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return, 1 to ${MAX_PAGE_SIZE}; 20 when omitted.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Continue after this cursor: the previous page's endCursor." })
  after?: string | null;
}

export interface UuidPage {
  limit: number;
  /** The id to continue after, or null for the first page. */
  after: string | null;
}

/** Reads `first`/`after` of a connection paged by UUID id; a cursor that does not hold an id is BAD_USER_INPUT. */
export function readUuidPage(args: PageArgs): UuidPage {
  const { limit, afterKey } = readPageArgs(args);
  return { limit, after: afterKey === null ? null : requireUuid(afterKey, 'after') };
}
