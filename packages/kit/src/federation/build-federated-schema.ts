import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { type GraphQLSchema, parse } from 'graphql';
import { type BuildSchemaOptions, buildSchema, createResolversMap, type PubSub } from 'type-graphql';
import { isUuid } from '../ids/ids.js';

/** The Federation 2 directives the subgraphs may use. */
const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@interfaceObject"])`;

/**
 * Subscriptions here declare their own `subscribe` (reading the context's Redis pub/sub), so type-graphql's
 * topic-based PubSub is never used; it only insists that one exists.
 */
const subscribeFunctionsOnly: PubSub = {
  publish() {
    throw new Error('Publish through the context pub/sub; topic-based subscriptions are not used.');
  },
  subscribe() {
    throw new Error('Declare `subscribe` on the @Subscription; topic-based subscriptions are not used.');
  },
};

/** Resolves an entity from its key fields, as the gateway sends them in `_entities`. */
export type ReferenceResolver<Context> = (reference: Record<string, unknown>, context: Context) => unknown;

export interface FederatedSchemaOptions<Context> extends Omit<BuildSchemaOptions, 'skipCheck'> {
  /** `__resolveReference` per entity type name; each should go through a DataLoader. */
  referenceResolvers?: Record<string, ReferenceResolver<Context>>;
}

/**
 * Builds a Federation 2 subgraph schema from type-graphql resolvers: the type-graphql schema is printed
 * with its directives (`@key`, `@shareable`…), linked to the federation spec and handed to
 * `buildSubgraphSchema` together with type-graphql's resolvers and the reference resolvers.
 */
export async function buildFederatedSchema<Context>({
  referenceResolvers = {},
  ...options
}: FederatedSchemaOptions<Context>): Promise<GraphQLSchema> {
  const schema = await buildSchema({ pubSub: subscribeFunctionsOnly, ...options, skipCheck: true });
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`);
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, resolveReference] of Object.entries(referenceResolvers)) {
    const typeResolvers = (resolvers[typeName] ??= {});
    // Every entity key here is a UUID `id`: a malformed one cannot exist, and sending it to SQL would fail
    // the whole batch with a syntax error instead of answering null for that one representation.
    typeResolvers.__resolveReference = (reference: Record<string, unknown>, context: Context) =>
      typeof reference.id === 'string' && !isUuid(reference.id) ? null : resolveReference(reference, context);
  }
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
}
