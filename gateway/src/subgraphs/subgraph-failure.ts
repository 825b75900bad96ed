import { type DocumentNode, type GraphQLFormattedError, getOperationAST, Kind, parse, type SelectionSetNode } from 'graphql';

export type SubgraphFailureCode = 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_TIMEOUT' | 'SUBGRAPH_ERROR';

/** Why a subgraph call produced no answer; `retryable` when another attempt of a read may succeed. */
export class SubgraphFailure extends Error {
  override name = 'SubgraphFailure';
  constructor(
    message: string,
    readonly code: SubgraphFailureCode,
    readonly retryable: boolean,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Connection-level errors after which the request surely or probably never ran: worth retrying a read. */
const RETRYABLE_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Statuses a proxy or a restarting server answers with before any work was done. */
export const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/** Classifies an error thrown by undici while calling `subgraph`. */
export function failureFromError(subgraph: string, error: unknown, timeoutMs: number): SubgraphFailure {
  const code = (error as { code?: string }).code ?? '';
  // AbortSignal.timeout's reason is a TimeoutError (the attempt's whole budget ran out, queue included).
  if (TIMEOUT_ERRORS.has(code) || (error as Error).name === 'TimeoutError') {
    return new SubgraphFailure(`The ${subgraph} subgraph did not answer within ${timeoutMs} ms.`, 'SUBGRAPH_TIMEOUT', false);
  }
  return new SubgraphFailure(`The ${subgraph} subgraph is unavailable (${code || (error as Error).message}).`, 'SUBGRAPH_UNAVAILABLE', RETRYABLE_ERRORS.has(code));
}

/** Response keys selected directly in `selectionSet`, through inline fragments, without `__typename`. */
function responseKeys(selectionSet: SelectionSetNode | undefined, keys: string[] = []): string[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') keys.push(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      responseKeys(selection.selectionSet, keys);
    }
  }
  return [...new Set(keys)];
}

/**
 * The failed fetch as GraphQL errors on the fields it should have filled, so @apollo/gateway places them at the
 * client's paths (it maps a subgraph error's path into the client's response, `_entities.<i>` to the i-th entity)
 * and serves whatever other subgraphs answered. A thrown error would reach the client without any path.
 */
export function failureErrors(
  failure: SubgraphFailure,
  subgraph: string,
  request: { query?: string; variables?: Record<string, unknown> },
  document?: DocumentNode,
): GraphQLFormattedError[] {
  const extensions = { ...failure.extensions, code: failure.code, subgraph };
  const { variables } = request;
  // The gateway hands over the fetch's parsed document only when asked to (exposeDocumentNodeInFetchNode);
  // parsing the text here costs nothing on the path that succeeds.
  let operation = null;
  try {
    operation = getOperationAST(document ?? parse(request.query ?? ''));
  } catch {
    // Unparsable: the error goes without a path.
  }
  const rootKeys = responseKeys(operation?.selectionSet);
  const representations = variables?.representations;
  if (Array.isArray(representations) && rootKeys.length === 1 && rootKeys[0] === '_entities') {
    const entityField = operation!.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
    const fields = responseKeys(entityField?.kind === Kind.FIELD ? entityField.selectionSet : undefined);
    return representations.flatMap((_, index) =>
      fields.length
        ? fields.map((field) => ({ message: failure.message, path: ['_entities', index, field], extensions }))
        : [{ message: failure.message, path: ['_entities', index], extensions }],
    );
  }
  if (rootKeys.length === 0) return [{ message: failure.message, extensions }];
  return rootKeys.map((key) => ({ message: failure.message, path: [key], extensions }));
}
