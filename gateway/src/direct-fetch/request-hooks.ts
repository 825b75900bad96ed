import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import type { DocumentNode, GraphQLError, OperationDefinitionNode } from 'graphql';

/** What the gateway's own plugins read of a request (Apollo's GraphQLRequestContext has much more). */
export interface DirectRequestContext<Context extends BaseContext> {
  contextValue: Context;
  request: { query: string; variables?: Record<string, unknown>; operationName?: string };
  source: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  errors?: readonly GraphQLError[];
  response?: { body: { kind: 'single'; singleResult: { data?: unknown; errors?: unknown } } };
}

/**
 * Runs the request hooks of the plugins Apollo Server runs (requestDidStart, didResolveOperation,
 * didEncounterErrors, willSendResponse) for a request the direct path serves, so metrics, logs, traces, operation
 * limits and rate limits behave the same on both paths. Only the gateway's own plugins are given here: they read
 * the fields of DirectRequestContext and nothing else, which the cast below relies on.
 */
export class RequestHooks<Context extends BaseContext> {
  private constructor(
    readonly requestContext: DirectRequestContext<Context>,
    private readonly listeners: GraphQLRequestListener<Context>[],
  ) {}

  static async start<Context extends BaseContext>(plugins: ApolloServerPlugin<Context>[], requestContext: DirectRequestContext<Context>) {
    const listeners: GraphQLRequestListener<Context>[] = [];
    for (const plugin of plugins) {
      const listener = await plugin.requestDidStart?.(requestContext as never);
      if (listener) listeners.push(listener);
    }
    return new RequestHooks(requestContext, listeners);
  }

  /** Throws what a plugin throws to refuse the operation (a limit, a rate limit). */
  async didResolveOperation(): Promise<void> {
    for (const listener of this.listeners) await listener.didResolveOperation?.(this.requestContext as never);
  }

  async willSendResponse(errors: GraphQLError[], result: { data?: unknown; errors?: unknown }): Promise<void> {
    this.requestContext.errors = errors;
    this.requestContext.response = { body: { kind: 'single', singleResult: result } };
    if (errors.length) for (const listener of this.listeners) await listener.didEncounterErrors?.(this.requestContext as never);
    for (const listener of this.listeners) await listener.willSendResponse?.(this.requestContext as never);
  }
}
