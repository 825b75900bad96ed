import { composeServices } from '@apollo/composition';
import { printSubgraphDefinitionSdl } from '@commerce/kit';
import { parse } from 'graphql';
import { subgraphs } from './subgraph-list.js';

export class CompositionError extends Error {
  override name = 'CompositionError';
}

export interface ComposedSchemas {
  /** Each subgraph's SDL, as the gateway would fetch it from `_service { sdl }`. */
  subgraphSdl: Record<string, string>;
  supergraphSdl: string;
  hints: string[];
}

/** Prints every subgraph's SDL and composes the supergraph; composition errors carry Apollo's messages. */
export async function composeSupergraph(): Promise<ComposedSchemas> {
  const subgraphSdl: Record<string, string> = {};
  for (const { definition } of subgraphs) {
    subgraphSdl[definition.name] = await printSubgraphDefinitionSdl(definition);
  }
  const result = composeServices(
    subgraphs.map(({ definition, url }) => ({
      name: definition.name,
      url,
      typeDefs: parse(subgraphSdl[definition.name]!),
    })),
  );
  if (result.errors) {
    throw new CompositionError(
      `Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`,
    );
  }
  return {
    subgraphSdl,
    supergraphSdl: result.supergraphSdl,
    hints: result.hints.map((hint) => hint.toString()),
  };
}

/** The files `schema/` holds, by name relative to it. */
export function schemaFiles({ subgraphSdl, supergraphSdl }: ComposedSchemas): Record<string, string> {
  const files: Record<string, string> = { 'supergraph.graphql': `${supergraphSdl.trimEnd()}\n` };
  for (const [name, sdl] of Object.entries(subgraphSdl)) files[`subgraphs/${name}.graphql`] = `${sdl.trimEnd()}\n`;
  return files;
}
