import { type PageArgs, readPageArgs, requireUuid } from '@commerce/kit';

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
