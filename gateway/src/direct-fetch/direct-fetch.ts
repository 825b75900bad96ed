import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import { type ParsedGraphQLRequest, sendJson } from '@commerce/kit/http';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import type { GatewayContext } from '../context.js';
import { type DirectRequestContext, RequestHooks } from './request-hooks.js';
import { responseContentType } from './response-content-type.js';
import type { EarlyAnswer } from '../time-sale/sold-out-answers.js';
import type { SingleFetchRoute, SingleFetchRoutes } from './single-fetch-routes.js';

export interface DirectFetchOptions {
  /** The current supergraph's routes; undefined until one is loaded. */
  routes: () => SingleFetchRoutes | undefined;
  dataSource: (serviceName: string) => GraphQLDataSource<GatewayContext>;
  /** The same context builder Apollo Server is given. */
  context: (req: IncomingMessage) => Promise<GatewayContext>;
  /** The gateway's own request plugins, the ones Apollo Server runs too. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** Apollo Server's formatError, and whether it adds stack traces. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  includeStacktrace: boolean;
  /** Told of every operation this path served. */
  onServed?: (serviceName: string) => void;
  /**
   * An answer known without the subgraph (a claim on a sold-out sale), asked once the plugins let the operation
   * through; undefined sends it on.
   */
  answerEarly?: (
    route: SingleFetchRoute,
    schema: GraphQLSchema,
    variables: Record<string, unknown>,
    rawVariables: Record<string, unknown> | undefined,
    viewer: GatewayContext['viewer'],
  ) => EarlyAnswer | undefined;
  /** Told of every operation answered early. */
  onAnsweredEarly?: () => void;
}

interface RequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: { persistedQuery?: unknown };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The gateway's direct path: an operation one subgraph answers whole with one call (see SingleFetchRoutes) is
 * sent there and its answer returned as it comes, with the errors shaped as @apollo/gateway shapes a subgraph's
 * errors, instead of going through Apollo Server's request pipeline and the gateway's plan execution. Under a
 * time-sale's load that pipeline was most of the gateway's CPU for a claim, which is such an operation.
 *
 * Everything observable stays as on the full path: the same context (identity, session check), variables coerced
 * against the API schema, the same plugins (metrics, logs, traces, operation limits, rate limits), the same data
 * source (time budget, breaker, signed identity, fetch metrics and spans), and the same content type, body and
 * status; a plugin's refusal (a rate limit) is answered as Apollo Server answers it. Whatever this path does not
 * handle itself returns false before any effect, and Apollo Server serves it: GET requests, persisted-query
 * extensions (APQ), invalid variables, a context that cannot be built, Accept headers that want neither JSON type.
 * A test compares both paths' answers.
 */
export function directFetch(options: DirectFetchOptions) {
  return async (request: ParsedGraphQLRequest, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (request.method !== 'POST' || !isPlainObject(request.body)) return false;
    const body = request.body as RequestBody;
    const { query, operationName = null, variables } = body;
    if (typeof query !== 'string' || (operationName !== null && typeof operationName !== 'string')) return false;
    if (variables != null && !isPlainObject(variables)) return false;
    if (body.extensions !== undefined && (!isPlainObject(body.extensions) || body.extensions.persistedQuery !== undefined)) return false;
    const contentType = responseContentType(req.headers.accept);
    if (!contentType) return false;
    const routes = options.routes();
    const route = routes?.route(query, operationName);
    if (!routes || !route) return false;
    const coerced = getVariableValues(routes.schema, route.operation.variableDefinitions ?? [], variables ?? {});
    if (coerced.errors) return false;

    let contextValue: GatewayContext;
    try {
      contextValue = await options.context(req);
    } catch {
      return false; // Apollo Server answers a token that fails to verify
    }
    // Built field by field: an object spread of optional fields copies through the runtime's slow path, per request.
    const hookRequest: DirectRequestContext<GatewayContext>['request'] = { query };
    if (variables) hookRequest.variables = variables as Record<string, unknown>;
    if (operationName) hookRequest.operationName = operationName;
    const hooks = await RequestHooks.start(options.plugins, {
      contextValue,
      request: hookRequest,
      source: query,
      document: route.document,
      operation: route.operation,
      operationName: route.operationName,
    });
    try {
      await hooks.didResolveOperation();
    } catch (refusal) {
      // A plugin refused the operation (a rate limit): answered here as Apollo Server answers a refusal, rather than
      // handed to it to build the context (a session check in Redis) and run the plugins (a rate-limit script) again.
      await sendRefusal(res, contentType, hooks, toGraphQLError(refusal), options);
      options.onServed?.(route.fetch.serviceName);
      return true;
    }

    const early = options.answerEarly?.(route, routes.schema, coerced.coerced, variables as Record<string, unknown> | undefined, contextValue.viewer);
    if (early) {
      await hooks.willSendResponse([], early.result);
      res.setHeader('content-type', contentType);
      sendJson(res, 200, early.body);
      options.onAnsweredEarly?.();
      return true;
    }

    const { fetch } = route;
    // The variables @apollo/gateway would send: the fetch's own, as the client sent them.
    const fetchVariables: Record<string, unknown> = Object.create(null);
    for (const name of fetch.variableUsages ?? []) {
      if (variables && Object.hasOwn(variables, name) && variables[name] !== undefined) fetchVariables[name] = variables[name];
    }
    let data: unknown;
    let errors: GraphQLError[];
    try {
      const processOptions: GraphQLDataSourceProcessOptions<GatewayContext> = {
        // GraphQLDataSourceRequestKind.INCOMING_OPERATION; the enum is not exported from the package's entry point.
        kind: 'incoming operation' as GraphQLDataSourceProcessOptions['kind'],
        request: { query: fetch.operation, variables: fetchVariables, operationName: fetch.operationName },
        incomingRequestContext: hooks.requestContext as never,
        context: contextValue,
        pathInIncomingRequest: [],
      } as GraphQLDataSourceProcessOptions<GatewayContext>;
      if (fetch.operationDocumentNode) (processOptions as { document?: unknown }).document = fetch.operationDocumentNode;
      const response = await options.dataSource(fetch.serviceName).process(processOptions);
      data = response.data ?? route.dataWithoutAnswer;
      errors = (response.errors ?? []).map((error) => downstreamError(error, fetch.serviceName));
    } catch (error) {
      // As @apollo/gateway answers a fetch that threw: the error as it is, and the result shaped without an answer.
      data = route.dataWithoutAnswer;
      errors = [toGraphQLError(error)];
    }
    const result = errors.length ? { errors: errors.map((error) => formatError(error, options)), data } : { data };
    await hooks.willSendResponse(errors, result);
    res.setHeader('content-type', contentType);
    sendJson(res, 200, `${JSON.stringify(result)}\n`);
    options.onServed?.(fetch.serviceName);
    return true;
  };
}

/** A subgraph's error as @apollo/gateway passes it on (downstreamServiceError): the subgraph named, a code always. */
function downstreamError(error: GraphQLFormattedError, serviceName: string): GraphQLError {
  const message = error.message || `Error while fetching subquery from service "${serviceName}"`;
  const extensions: Record<string, unknown> = { ...error.extensions, serviceName };
  if (extensions.code === undefined) extensions.code = 'DOWNSTREAM_SERVICE_ERROR';
  return new GraphQLError(message, { ...(error.path ? { path: error.path } : {}), extensions, originalError: error as Error });
}

/** As Apollo Server makes a GraphQLError of whatever was thrown (ensureGraphQLError). */
function toGraphQLError(thrown: unknown): GraphQLError {
  if (thrown instanceof GraphQLError) return thrown;
  const error = thrown instanceof Error ? thrown : new Error(`Unexpected error value: ${String(thrown)}`);
  return new GraphQLError(error.message, { originalError: error });
}

/** The status and headers errors ask for (`extensions.http`), as Apollo Server collects them. */
interface ResponseHead {
  status?: number;
  headers: Map<string, string>;
}
const newHead = (): ResponseHead => ({ headers: new Map() });

/**
 * As Apollo Server answers an operation a plugin refused in didResolveOperation (sendErrorResponse): the plugins
 * hear of the error and of the response, and the body holds the formatted error alone, with the status and headers
 * the error asks for (500 when it asks for none).
 */
async function sendRefusal(
  res: ServerResponse,
  contentType: string,
  hooks: RequestHooks<GatewayContext>,
  error: GraphQLError,
  options: DirectFetchOptions,
): Promise<void> {
  const head = newHead();
  const result = { errors: [formatError(error, options, head)] };
  await hooks.willSendResponse([error], result);
  for (const [name, value] of head.headers) res.setHeader(name, value);
  res.setHeader('content-type', contentType);
  sendJson(res, head.status ?? 500, `${JSON.stringify(result)}\n`);
}

/**
 * As Apollo Server formats an error of a result (normalizeAndFormatErrors); `extensions.http` goes to `head` (a
 * refusal's status and headers; a fetched result's errors never carry one).
 */
function formatError(error: GraphQLError, options: DirectFetchOptions, head: ResponseHead = newHead()): GraphQLFormattedError {
  const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
  const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
  if (http && typeof http === 'object' && (http.status === undefined || typeof http.status === 'number') && (http.headers === undefined || http.headers instanceof Map)) {
    if (typeof http.status === 'number') head.status = http.status;
    for (const [name, value] of (http.headers as Map<string, string> | undefined) ?? []) head.headers.set(name, value);
    delete extensions.http;
  }
  if (options.includeStacktrace) extensions.stacktrace = error.stack?.split('\n');
  try {
    return options.formatError({ ...error.toJSON(), extensions }, error);
  } catch {
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
}
