import { printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '../federation/build-federated-schema.js';
import { authChecker } from '../identity/authorization.js';
import type { SubgraphDefinition } from './subgraph-definition.js';

/** Builds a subgraph's executable federated schema from its definition; needs no database. */
export function buildSubgraphDefinitionSchema(definition: SubgraphDefinition<any, any, any>): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: definition.resolvers,
    orphanedTypes: definition.orphanedTypes ?? [],
    referenceResolvers: definition.referenceResolvers ?? {},
    validate: false,
    authChecker,
  });
}

/** The subgraph's SDL as the gateway's composition sees it (`_service { sdl }`). */
export async function printSubgraphDefinitionSdl(definition: SubgraphDefinition<any, any, any>): Promise<string> {
  return printSubgraphSchema(await buildSubgraphDefinitionSchema(definition));
}
