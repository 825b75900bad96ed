import { MAX_CLAIM_QUANTITY, MAX_IDEMPOTENCY_KEY_LENGTH, SOLD_OUT_MESSAGE, type Viewer } from '@commerce/kit/http';
import { BREAK, executeSync, type FieldNode, type GraphQLField, type GraphQLSchema, Kind, visit } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { SingleFetchRoute } from '../direct-fetch/single-fetch-routes.js';
import type { SoldOutSales } from './sold-out-sales.js';

/** An answer the gateway gives without asking a subgraph: the result for the plugins, and its body as sent. */
export interface EarlyAnswer {
  result: { data: Record<string, unknown> | null };
  body: string;
}

/** In Unicode mode a pair is one code point: only a surrogate on its own matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** What claimTimeSale answers on a sale with no units left (inventory's SoldOut.of(0)). */
const SOLD_OUT = Object.freeze({ __typename: 'SoldOut', code: 'SOLD_OUT', message: SOLD_OUT_MESSAGE, remaining: 0 });

interface ClaimOperation {
  field: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  /** The answer for this operation text, when no directive can make it depend on the variables. */
  answer?: EarlyAnswer;
  cacheable: boolean;
}

/**
 * Answers a member's claimTimeSale on a sale announced sold out (SoldOutSales) the way inventory would, SOLD_OUT,
 * without the call to inventory: after a sale's last unit goes, every other claim of a burst would cost inventory and
 * Redis a decision whose answer is known. Only an operation that is that one mutation field and nothing else, from a
 * member who may purchase, with arguments inventory would accept, is answered here; anything else (an anonymous or
 * unverified caller, a quantity or key out of bounds or not well-formed Unicode, a retry of an existing claim) goes to
 * inventory, which answers it as before. Unlike inventory, a claim answered here does not count against the
 * member's claim attempts at inventory, which protect inventory and Redis, and this costs neither.
 */
export function soldOutAnswers(sales: SoldOutSales) {
  const operations = new WeakMap<SingleFetchRoute, ClaimOperation | null>();
  return (
    route: SingleFetchRoute,
    schema: GraphQLSchema,
    variables: Record<string, unknown>,
    rawVariables: Record<string, unknown> | undefined,
    viewer: Viewer | null,
  ): EarlyAnswer | undefined => {
    if (sales.size === 0 || !viewer?.memberId || viewer.canPurchase === false) return undefined;
    let claim = operations.get(route);
    if (claim === undefined) {
      claim = claimOperation(route, schema);
      operations.set(route, claim);
    }
    if (!claim) return undefined;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(claim.definition, claim.field, variables);
    } catch {
      return undefined; // arguments inventory refuses: it answers them with its own error
    }
    const { saleId, quantity, idempotencyKey } = args;
    if (typeof saleId !== 'string' || typeof quantity !== 'number' || typeof idempotencyKey !== 'string') return undefined;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_CLAIM_QUANTITY) return undefined;
    if (idempotencyKey.length < 1 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) return undefined;
    // A lone surrogate reaches Redis as U+FFFD: its replay key could not be matched here.
    if (LONE_SURROGATE.test(idempotencyKey)) return undefined;
    if (!sales.soldOutFor(saleId, viewer.memberId, idempotencyKey)) return undefined;
    if (claim.answer) return claim.answer;
    const answer = shape(route, rawVariables, schema);
    if (answer && claim.cacheable) claim.answer = answer;
    return answer;
  };
}

/** The operation's claimTimeSale field when it is the operation's only selection, else null. */
function claimOperation(route: SingleFetchRoute, schema: GraphQLSchema): ClaimOperation | null {
  const { operation } = route;
  if (operation.operation !== 'mutation' || operation.selectionSet.selections.length !== 1) return null;
  const field = operation.selectionSet.selections[0]!;
  if (field.kind !== Kind.FIELD || field.name.value !== 'claimTimeSale' || field.directives?.length) return null;
  const definition = schema.getMutationType()?.getFields().claimTimeSale;
  if (!definition) return null;
  // @skip and @include on the result's fields make its shape depend on the variables: shaped per request then.
  let directives = false;
  visit(route.document, {
    Directive() {
      directives = true;
      return BREAK;
    },
  });
  return { field, definition, cacheable: !directives };
}

/** The client's selection of SOLD_OUT, as graphql-js would shape the subgraph's answer to it. */
function shape(route: SingleFetchRoute, rawVariables: Record<string, unknown> | undefined, schema: GraphQLSchema): EarlyAnswer | undefined {
  const result = executeSync({
    schema,
    document: route.document,
    operationName: route.operationName,
    rootValue: { claimTimeSale: SOLD_OUT },
    variableValues: rawVariables ?? {},
  });
  if (result.errors?.length || !result.data) return undefined;
  const data = result.data as Record<string, unknown>;
  return { result: { data }, body: `${JSON.stringify({ data })}\n` };
}
