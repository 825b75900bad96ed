import type { FetchNode } from '@apollo/query-planner';
import {
  type DocumentNode,
  getNamedType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isNonNullType,
  type NameNode,
  type FragmentDefinitionNode,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
  specifiedRules,
  validate,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { fragmentsOf } from '../documents/fragments.js';
import { checkOperationLimits, type OperationLimits } from '../limits/operation-limits.js';
import type { SupergraphPlanner } from '../supergraph/supergraph-planner.js';

/** An operation the whole of which one subgraph answers with one call, exactly as the client asked for it. */
export interface SingleFetchRoute {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The operation's name as the client's document gives it. */
  operationName: string | null;
  fetch: FetchNode;
  /**
   * `data` when the subgraph sent none (its call failed): null when a root field is non-null, else each root field
   * null, as @apollo/gateway shapes an empty result.
   */
  dataWithoutAnswer: Record<string, null> | null;
}

/** Parsed or not, valid or not: what a client's operation text is worth to the direct path. */
type Verdict = SingleFetchRoute | 'ineligible';

/**
 * A selection set in a canonical print: fragment spreads expanded, and fragments on the enclosing type itself
 * (without directives) dissolved into it, as the query planner writes them. Two selection sets that print alike
 * ask for the same fields in the same shape.
 */
function canonicalSelections(
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType | undefined,
  schema: GraphQLSchema,
  fragments: Map<string, FragmentDefinitionNode>,
  budget: { characters: number },
  depth = 0,
): string {
  // Validation forbids unknown and cyclic spreads; the depth bound only keeps this total. The budget bounds the
  // expansion: fragments spread twice at each of 20 levels would expand to a million selections.
  if (depth > 64) throw new Error('selections nested too deep to compare');
  const printed: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const fieldType = parentType && 'getFields' in parentType ? parentType.getFields()[selection.name.value]?.type : undefined;
      const head = print({ ...selection, selectionSet: undefined });
      budget.characters -= head.length;
      if (budget.characters < 0) throw new Error('selections larger than the fetch');
      printed.push(
        selection.selectionSet
          ? `${head} { ${canonicalSelections(selection.selectionSet, fieldType && getNamedType(fieldType), schema, fragments, budget, depth + 1)} }`
          : head,
      );
      continue;
    }
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
    if (!fragment) throw new Error(`unknown fragment ${(selection as { name: NameNode }).name.value}`);
    const directives = [...(selection.directives ?? []), ...(selection.kind === Kind.FRAGMENT_SPREAD ? (fragment.directives ?? []) : [])];
    const typeName = fragment.typeCondition?.name.value;
    if (directives.length === 0 && (typeName === undefined || typeName === parentType?.name)) {
      printed.push(canonicalSelections(fragment.selectionSet, parentType, schema, fragments, budget, depth + 1));
      continue;
    }
    const type = typeName ? schema.getType(typeName) : parentType;
    const condition = typeName ? ` on ${typeName}` : '';
    const printedDirectives = directives.map((directive) => ` ${print(directive)}`).join('');
    printed.push(`...${condition}${printedDirectives} { ${canonicalSelections(fragment.selectionSet, type ?? undefined, schema, fragments, budget, depth + 1)} }`);
  }
  return printed.join(' ');
}

/**
 * Which client operations the gateway may hand to one subgraph as they are, skipping Apollo Server's request
 * pipeline and @apollo/gateway's plan execution and result shaping. An operation qualifies when its plan is a
 * single fetch of a query or mutation with nothing for the gateway to add (no entity `requires`, no rewrites) and
 * the fetch selects exactly what the client selected (compared in canonicalSelections' print): then the subgraph's answer is, field for
 * field, the answer the gateway would have built from it. Anything else (several subgraphs, introspection, a
 * `__typename` the planner adds at an abstract position the client did not ask for, @defer, fields the planner
 * merges or renames) keeps the full path. Verdicts are remembered per operation text; one table per supergraph.
 */
export class SingleFetchRoutes {
  private readonly verdicts: LRUCache<string, Verdict>;

  constructor(
    private readonly planner: SupergraphPlanner,
    /** Operations the limits refuse whatever their variables (too deep, too many aliases) are never planned here. */
    private readonly limits: OperationLimits,
    /** The operation texts remembered, in characters (the texts are the keys). */
    maxCharacters = 16 * 2 ** 20,
  ) {
    this.verdicts = new LRUCache({ maxSize: maxCharacters, sizeCalculation: (_verdict, key) => Math.max(1, key.length) });
  }

  /** The route for this operation text, or null when it must take the full path. */
  route(query: string, operationName: string | null): SingleFetchRoute | null {
    // The name's length first keeps (name, text) pairs apart: a text may begin with what looks like a name.
    const key = operationName === null ? `\n${query}` : `${operationName.length}:${operationName}\n${query}`;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = this.judge(query, operationName);
      this.verdicts.set(key, verdict);
    }
    return verdict === 'ineligible' ? null : verdict;
  }

  private judge(query: string, operationName: string | null): Verdict {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch {
      return 'ineligible'; // Apollo Server answers the syntax error
    }
    if (validate(this.planner.apiSchemaGraphQL, document, specifiedRules).length) return 'ineligible';
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation === 'subscription') return 'ineligible';
    // As on the full path, a hostile document is refused before the query planner sees it (Apollo Server does it).
    if (checkOperationLimits(document, operationName, {}, this.limits)) return 'ineligible';
    let fetch: FetchNode;
    try {
      const node = this.planner.planOperation(document, operationName).node;
      if (node?.kind !== 'Fetch') return 'ineligible';
      fetch = node;
    } catch {
      return 'ineligible';
    }
    if (fetch.requires || fetch.inputRewrites?.length || fetch.outputRewrites?.length || fetch.contextRewrites?.length || fetch.hasDefers) {
      return 'ineligible';
    }
    if (fetch.operationKind !== operation.operation) return 'ineligible';
    const fetchDocument = fetch.operationDocumentNode ?? parse(fetch.operation);
    const fetchOperation = getOperationAST(fetchDocument);
    if (!fetchOperation) return 'ineligible';
    try {
      const root = this.schema.getRootType(operation.operation) ?? undefined;
      // The planner's fetch first: the client's selections may print no longer than it.
      const fetched = canonicalSelections(fetchOperation.selectionSet, root, this.schema, fragmentsOf(fetchDocument), { characters: 16 * fetch.operation.length + 1_024 });
      const asked = canonicalSelections(operation.selectionSet, root, this.schema, fragmentsOf(document), { characters: fetched.length });
      if (asked !== fetched) return 'ineligible';
    } catch {
      return 'ineligible';
    }
    const dataWithoutAnswer = this.emptyData(operation);
    if (dataWithoutAnswer === 'ineligible') return 'ineligible';
    return { document, operation, operationName: operation.name?.value ?? null, fetch, dataWithoutAnswer };
  }

  /** Root fields only, without directives (whether a field is there would depend on variables). */
  private emptyData(operation: OperationDefinitionNode): Record<string, null> | null | 'ineligible' {
    const root = this.schema.getRootType(operation.operation);
    const data: Record<string, null> = {};
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.directives?.length) return 'ineligible';
      const field = root?.getFields()[selection.name.value];
      if (!field) return 'ineligible';
      if (isNonNullType(field.type)) return null;
      data[selection.alias?.value ?? selection.name.value] = null;
    }
    return data;
  }

  /** The API schema the routes were judged against (for coercing variables). */
  get schema(): GraphQLSchema {
    return this.planner.apiSchemaGraphQL;
  }
}
