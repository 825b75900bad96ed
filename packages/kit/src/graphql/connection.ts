import 'reflect-metadata';
import { ArgsType, type ClassType, Directive, Field, Int, ObjectType } from 'type-graphql';
import { badUserInput } from '../errors/graphql-errors.js';
import { isUuid } from '../ids/ids.js';

@Directive('@shareable')
@ObjectType({ description: 'Where a page of a connection stands in the whole list.' })
export class PageInfo {
  @Field({ description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of this page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page; pass it as `after`.' })
  endCursor!: string | null;
}

export interface Edge<Node> {
  node: Node;
  cursor: string;
}

export interface Connection<Node> {
  edges: Edge<Node>[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** Builds the `XConnection` and `XEdge` object types of a Relay-style connection over `node`. */
export function ConnectionType<Node extends object>(name: string, node: ClassType<Node>) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class EdgeType {
    @Field(() => node, { description: `The ${name}.` })
    node!: Node;

    @Field({ description: 'Opaque cursor of this item; pass it as `after` to continue after it.' })
    cursor!: string;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class ConnectionClass {
    @Field(() => [EdgeType], { description: 'The items of this page.' })
    edges!: EdgeType[];

    @Field(() => PageInfo, { description: 'Paging information.' })
    pageInfo!: PageInfo;
  }
  return ConnectionClass as ClassType<Connection<Node>>;
}

export const MAX_PAGE_SIZE = 100;

/** `first`/`after` of a Relay connection, as resolver arguments (`@Args() page: PageArgs`). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return, 1 to ${MAX_PAGE_SIZE}; 20 when omitted.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Continue after this cursor: the previous page's endCursor." })
  after?: string | null;
}

/** Checks `first` and decodes `after` into the key to continue after; bad values are BAD_USER_INPUT. */
export function readPageArgs({ first, after }: PageArgs, defaultSize = 20): { limit: number; afterKey: string | null } {
  const limit = first ?? defaultSize;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return { limit, afterKey: after ? decodeCursor(after) : null };
}

export function encodeCursor(key: string): string {
  return Buffer.from(`c:${key}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const key = decoded.startsWith('c:') ? decoded.slice(2) : '';
  // Keys are UUIDs; anything else is forged or corrupted and must not reach SQL.
  if (!isUuid(key)) throw badUserInput('after is not a cursor this API issued.', 'after');
  return key;
}

/**
 * Turns `limit + 1` rows fetched in key order into a page: the extra row only tells whether more follow.
 * Paging by a unique, time-ordered key (UUIDv7 ids) stays correct while rows are inserted or removed.
 */
export function toConnection<Node>(
  rows: Node[],
  limit: number,
  keyOf: (node: Node) => string,
  hasPrevious: boolean,
): Connection<Node> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Checks an ID argument from a client: a malformed one is BAD_USER_INPUT rather than a database error. */
export function requireUuid(id: string, field = 'id'): string {
  if (!isUuid(id)) throw badUserInput(`${field} is not a valid ID.`, field);
  return id.toLowerCase();
}
