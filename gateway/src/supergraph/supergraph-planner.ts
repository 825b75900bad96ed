import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { type QueryPlan, QueryPlanner, type SubscriptionNode } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';

type OperationContext = ReturnType<typeof buildOperationContext>;

export interface PlannedSubscription {
  node: SubscriptionNode;
  operationContext: OperationContext;
}

/**
 * Plans subscriptions over the supergraph with the same query planner @apollo/gateway uses for queries.
 * For a subscription it yields a `Subscription` node: `primary`, the fetch that opens the subscription on the
 * owning subgraph, and `rest`, the fetches that add fields other subgraphs own to each event.
 */
export class SupergraphPlanner {
  readonly apiSchema: Schema;
  readonly apiSchemaGraphQL: GraphQLSchema;
  readonly supergraphSchemaGraphQL: GraphQLSchema;
  readonly subgraphUrls: Map<string, string>;
  private readonly planner: QueryPlanner;

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.apiSchemaGraphQL = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchemaGraphQL = supergraph.schema.toGraphQLJSSchema();
    this.subgraphUrls = new Map(supergraph.subgraphsMetadata().map(({ name, url }) => [name, url]));
    this.planner = new QueryPlanner(supergraph);
  }

  /** The plan of a validated document's operation (the one named, or its only one). */
  planOperation(document: DocumentNode, operationName?: string | null): QueryPlan {
    const operation = operationFromDocument(this.apiSchema, document, { ...(operationName ? { operationName } : {}), validate: false });
    return this.planner.buildQueryPlan(operation);
  }

  planSubscription(document: DocumentNode, operationName?: string | null): PlannedSubscription {
    const plan = this.planOperation(document, operationName);
    if (plan.node?.kind !== 'Subscription') throw new Error('Only subscriptions are planned here.');
    return {
      node: plan.node,
      operationContext: buildOperationContext({
        schema: this.apiSchemaGraphQL,
        operationDocument: document,
        ...(operationName ? { operationName } : {}),
      }),
    };
  }
}
