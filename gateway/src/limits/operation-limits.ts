import {
  type DocumentNode,
  getOperationAST,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { fragmentsOf } from '../documents/fragments.js';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: number;
  /** True when the walk stopped early because the cost limit was already exceeded. */
  truncated: boolean;
}

/** `first` as a number, from a literal or a variable; anything else counts as no multiplier. */
function firstArgument(args: readonly { name: { value: string }; value: ValueNode }[] | undefined, variables: Record<string, unknown>) {
  const value = args?.find((arg) => arg.name.value === 'first')?.value;
  if (!value) return 1;
  const raw = value.kind === Kind.INT ? Number(value.value) : value.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
  // first: 0 still asks for the field itself; never let a multiplier hide the children entirely.
  return typeof raw === 'number' && Number.isFinite(raw) ? Math.max(1, Math.floor(raw)) : 1;
}

/**
 * Depth, aliases and cost of one operation with fragments expanded in place. Cost is one per field
 * selection, times the product of the `first` arguments of the list fields above it. The walk stops as
 * soon as the cost passes the limit, so a fragment "bomb" costs the server at most `maxCost` steps.
 */
export function measureOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  maxCost: number,
): OperationMeasure | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const fragments = fragmentsOf(document);
  const measure: OperationMeasure = { depth: 0, aliases: 0, cost: 0, truncated: false };
  // `inFragments` guards against fragment cycles (validation rejects them, but this may run before it).
  const walk = (selectionSet: SelectionSetNode, depth: number, multiplier: number, inFragments: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (measure.truncated) return;
      if (selection.kind === Kind.FIELD) {
        measure.depth = Math.max(measure.depth, depth);
        if (selection.alias) measure.aliases++;
        measure.cost += multiplier;
        if (measure.cost > maxCost) {
          measure.truncated = true;
          return;
        }
        if (selection.selectionSet) {
          walk(selection.selectionSet, depth + 1, multiplier * firstArgument(selection.arguments, variables), inFragments);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, multiplier, inFragments);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || inFragments.has(name)) continue;
        walk(fragment.selectionSet, depth, multiplier, new Set(inFragments).add(name));
      }
    }
  };
  walk(operation.selectionSet, 1, 1, new Set());
  return measure;
}

const refuse = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/** The first limit the operation breaks, as a coded GraphQL error; undefined when it is within all of them. */
export function checkOperationLimits(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): GraphQLError | undefined {
  const measure = measureOperation(document, operationName, variables ?? {}, limits.maxCost);
  if (!measure) return undefined;
  if (measure.depth > limits.maxDepth) {
    return refuse(`The query is nested ${measure.depth} levels deep; the limit is ${limits.maxDepth}.`, 'QUERY_TOO_DEEP');
  }
  if (measure.aliases > limits.maxAliases) {
    return refuse(`The query uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}.`, 'TOO_MANY_ALIASES');
  }
  if (measure.truncated) {
    return refuse(`The query would select more than ${limits.maxCost} fields; ask for fewer or smaller pages.`, 'QUERY_TOO_COSTLY');
  }
  return undefined;
}
