import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import {
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getVariableValues,
  type OperationDefinitionNode,
} from 'graphql';
import { Counter, type Registry } from 'prom-client';
import { JSON_CONTENT_TYPE, PLAIN_JSON_ACCEPT } from './json-media-types.js';
import type { BatchedAnswer } from './subgraph-batch.js';

export interface DirectExecutionOptions<Context extends BaseContext> {
  schema: GraphQLSchema;
  /** The plugins Apollo Server runs: their request hooks run here too, so metrics, logs and traces are the same. */
  plugins: ApolloServerPlugin<Context>[];
  /** Apollo Server's formatError. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  includeStacktraceInErrorResponses: boolean;
  /** Operations remembered at most (the distinct texts the gateway sends; a few hundred). */
  maxOperations?: number;
  /** Called for each call served here (a metric). */
  onServed?: () => void;
}

interface KnownOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/** Longer texts are left to Apollo Server: remembered, a thousand of them could hold a lot of memory. */
const MAX_REMEMBERED_TEXT = 64 * 1024;

/**
 * Serves a gateway's batched call of an operation Apollo Server has already parsed, validated and resolved once (the
 * same text, so the same verdict), without Apollo Server's request pipeline: the call's variables are coerced and it
 * is executed against the same schema, with the same context, the same plugins' request hooks (requestDidStart,
 * didResolveOperation, didEncounterErrors, willSendResponse) and the same error shaping (`extensions.code`, the
 * stack trace where Apollo would add it, formatError), and answered with the text Apollo Server would send.
 * In a time-sale burst the pipeline was a third of the subgraph's CPU per claim.
 *
 * Anything else goes the full way before any effect: a text not seen yet (or over 64 KB), one with several operations
 * or extensions (APQ), a subscription, a call whose content type is not JSON (Apollo's CSRF prevention answers it),
 * variables that do not coerce, a context that fails to build, a plugin hook that throws before execution, another
 * Accept header, or an inline trace asked for. Only the plugins' request hooks listed above run: the subgraphs'
 * plugins use no others.
 */
export class DirectExecution<Context extends BaseContext> {
  private readonly known = new Map<string, KnownOperation>();
  private readonly maxOperations: number;

  constructor(private readonly options: DirectExecutionOptions<Context>) {
    this.maxOperations = options.maxOperations ?? 1_000;
  }

  /** For Apollo Server's plugins: remembers each operation it resolved (so parsed and validated) under its text. */
  recorder(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ request, source, document, operation }) => {
          // A subscription over HTTP is left to Apollo Server, whatever it makes of one.
          if (request.extensions || !source || source.length > MAX_REMEMBERED_TEXT || !operation || operation.operation === 'subscription') return;
          if (document.definitions.length !== 1 || this.known.has(source)) return;
          // The oldest goes first; a text that keeps coming back is remembered again at its next full pass.
          if (this.known.size >= this.maxOperations) this.known.delete(this.known.keys().next().value!);
          this.known.set(source, { document, operation });
        },
      }),
    };
  }

  /** The call's answer, or undefined when it must go through Apollo Server (nothing has run then). */
  async serve(headers: Record<string, string | string[] | undefined>, body: unknown, context: () => Promise<Context>): Promise<BatchedAnswer | undefined> {
    const request = plainRequest(body);
    if (!request) return undefined;
    const known = this.known.get(request.query);
    if (!known) return undefined;
    const { document, operation } = known;
    const operationName = operation.name?.value ?? null;
    if (request.operationName !== undefined && request.operationName !== null && request.operationName !== operationName) return undefined;
    // Apollo Server's CSRF prevention refuses a call whose own content type is not JSON: that refusal is its to give.
    const contentType = headers['content-type'];
    if (contentType !== undefined && !(typeof contentType === 'string' && JSON_CONTENT_TYPE.test(contentType))) return undefined;
    const accept = headers.accept;
    if (accept !== undefined && !(typeof accept === 'string' && PLAIN_JSON_ACCEPT.has(accept))) return undefined;
    if (headers['apollo-federation-include-trace'] !== undefined) return undefined;
    // `execute` coerces them again, but variables that do not coerce are Apollo Server's to answer (400, its wording),
    // and only this check tells that before anything runs.
    if (getVariableValues(this.options.schema, operation.variableDefinitions ?? [], request.variables ?? {}).errors) return undefined;
    let contextValue: Context;
    try {
      contextValue = await context();
    } catch {
      return undefined; // Apollo Server builds it again, fails the same way, and answers and logs that as it does
    }

    const requestContext = {
      contextValue,
      request: { query: request.query, variables: request.variables, operationName: request.operationName ?? undefined },
      source: request.query,
      document,
      operation,
      operationName,
      errors: undefined as readonly GraphQLError[] | undefined,
      response: undefined as unknown,
    };
    const listeners: GraphQLRequestListener<Context>[] = [];
    try {
      for (const plugin of this.options.plugins) {
        const listener = await plugin.requestDidStart?.(requestContext as never);
        if (listener) listeners.push(listener);
      }
      for (const listener of listeners) await listener.didResolveOperation?.(requestContext as never);
    } catch {
      // A hook that refuses or fails: nothing has run yet, so Apollo Server runs the hooks again and answers as it does.
      return undefined;
    }
    const result = await execute({
      schema: this.options.schema,
      document,
      contextValue,
      variableValues: request.variables,
      operationName: request.operationName,
    });
    const errors = result.errors ?? [];
    const { status, formatted } = this.formatErrors(errors);
    const singleResult = { errors: formatted, data: result.data, extensions: result.extensions };
    requestContext.errors = errors.length ? errors : undefined;
    requestContext.response = { body: { kind: 'single', singleResult }, http: { status } };
    if (errors.length) for (const listener of listeners) await listener.didEncounterErrors?.(requestContext as never);
    for (const listener of listeners) await listener.willSendResponse?.(requestContext as never);
    this.options.onServed?.();
    return { status, contentType: 'application/json; charset=utf-8', text: `${JSON.stringify(singleResult)}\n` };
  }

  /** Apollo Server's error shaping: a default code, the HTTP status an error asks for, the stack where configured, formatError. */
  private formatErrors(errors: readonly GraphQLError[]): { status: number; formatted: GraphQLFormattedError[] | undefined } {
    let status = 200;
    if (errors.length === 0) return { status, formatted: undefined };
    const enrich = (error: unknown): GraphQLFormattedError => {
      // As Apollo Server's ensureGraphQLError.
      const graphqlError =
        error instanceof GraphQLError
          ? error
          : error instanceof Error
            ? new GraphQLError(error.message, { originalError: error })
            : new GraphQLError('Unexpected error value: ' + String(error));
      const extensions: Record<string, unknown> = { ...graphqlError.extensions, code: graphqlError.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
      // As Apollo Server's isPartialHTTPGraphQLHead and mergeHTTPGraphQLHead: a well-formed `http` sets the status (when
      // it has one) and is taken out of the answer; anything else stays in it.
      const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
      const wellFormed =
        !!http && typeof http === 'object' && (!('status' in http) || typeof http.status === 'number') && (!('headers' in http) || http.headers instanceof Map);
      if (wellFormed) {
        if (http.status) status = http.status as number;
        delete extensions.http;
      }
      if (this.options.includeStacktraceInErrorResponses) extensions.stacktrace = graphqlError.stack?.split('\n');
      return { ...graphqlError.toJSON(), extensions };
    };
    const formatted = errors.map((error) => {
      try {
        return this.options.formatError(enrich(error), error);
      } catch (formattingError) {
        return this.options.includeStacktraceInErrorResponses
          ? enrich(formattingError)
          : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
    });
    return { status, formatted };
  }
}

/** A POST body the direct path takes: a query text, variables as an object, an operation name, nothing else. */
function plainRequest(body: unknown): { query: string; variables?: Record<string, unknown>; operationName?: string | null } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { query, variables, operationName, ...rest } = body as Record<string, unknown>;
  if (typeof query !== 'string' || Object.keys(rest).length > 0) return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  return { query, variables: (variables ?? undefined) as Record<string, unknown> | undefined, operationName: operationName as string | null | undefined };
}

/** `graphql_direct_calls_total`: the gateway's batched calls served without Apollo Server's pipeline. */
export function registerDirectCallCounter(registry: Registry): () => void {
  const counter = new Counter({
    name: 'graphql_direct_calls_total',
    help: "Batched calls served on the direct path (an operation Apollo Server had validated before), without Apollo Server's request pipeline.",
    registers: [registry],
  });
  return () => counter.inc();
}
