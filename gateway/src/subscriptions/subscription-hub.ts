import { createHash } from 'node:crypto';
import { executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { signIdentity, type Viewer } from '@commerce/kit/http';
import { type DocumentNode, type ExecutionResult, GraphQLError, print } from 'graphql';
import type { GatewayContext } from '../context.js';
import { createEventQueue } from './event-queue.js';
import type { PlannedSubscription, SupergraphPlanner } from '../supergraph/supergraph-planner.js';
import type { UpstreamClients } from './upstream-clients.js';

/** The name under which a plan's first fetch is answered by the event itself instead of a subgraph. */
const EVENT_SOURCE = '__subscription_event__';

export interface SubscriptionHubOptions {
  planner: () => SupergraphPlanner;
  upstreams: UpstreamClients;
  dataSource: (serviceName: string) => GraphQLDataSource<GatewayContext>;
  sharedSecret: string;
  /** Events for one key (e.g. one variant) closer together than this are merged; the latest always arrives. */
  coalesceMs: number;
  /** Results held for one slow subscriber before the oldest are dropped. */
  maxQueuedPerSubscriber: number;
}

export interface SubscribeRequest {
  document: DocumentNode;
  operationName?: string | null;
  variables: Record<string, unknown>;
  viewer: Viewer | null;
}

type Subscriber = ReturnType<typeof createEventQueue<ExecutionResult>>;

interface SharedSubscription {
  key: string;
  planned: PlannedSubscription;
  request: SubscribeRequest;
  subscribers: Set<Subscriber>;
  stopUpstream: () => void;
  /** Per event key: the timer of its coalescing window and the newest event that arrived inside it. */
  windows: Map<string, { timer: NodeJS.Timeout; pending?: ExecutionResult }>;
  /** Events resolve one after another, so a slower older event never overwrites a newer one. */
  chain: Promise<void>;
}

/**
 * Executes federated subscriptions. Identical subscriptions (same operation, variables and caller) share one
 * upstream subscription on the owning subgraph; for each upstream event the rest of the plan (fields other
 * subgraphs own) runs once, and the shaped result goes to every subscriber.
 */
export class SubscriptionHub {
  private readonly shared = new Map<string, SharedSubscription>();

  constructor(private readonly options: SubscriptionHubOptions) {}

  get stats() {
    let subscribers = 0;
    for (const entry of this.shared.values()) subscribers += entry.subscribers.size;
    return { upstreamSubscriptions: this.shared.size, subscribers };
  }

  subscribe(request: SubscribeRequest): AsyncIterableIterator<ExecutionResult> {
    const key = shareKey(request);
    let entry = this.shared.get(key);
    if (!entry) {
      entry = this.open(key, request);
      this.shared.set(key, entry);
    }
    const shared = entry;
    const subscriber = createEventQueue<ExecutionResult>(this.options.maxQueuedPerSubscriber, () => {
      shared.subscribers.delete(subscriber);
      if (shared.subscribers.size === 0) this.close(shared);
    });
    shared.subscribers.add(subscriber);
    return subscriber.iterator;
  }

  async dispose() {
    for (const entry of [...this.shared.values()]) {
      for (const subscriber of entry.subscribers) subscriber.end();
      this.close(entry);
    }
  }

  private open(key: string, request: SubscribeRequest): SharedSubscription {
    const planned = this.options.planner().planSubscription(request.document, request.operationName);
    const { primary } = planned.node;
    const entry: SharedSubscription = {
      key,
      planned,
      request,
      subscribers: new Set(),
      stopUpstream: () => {},
      windows: new Map(),
      chain: Promise.resolve(),
    };
    const variables = Object.fromEntries((primary.variableUsages ?? []).map((name) => [name, request.variables[name]]));
    entry.stopUpstream = this.options.upstreams.client(primary.serviceName).subscribe(
      {
        query: primary.operation,
        variables,
        ...(primary.operationName ? { operationName: primary.operationName } : {}),
        extensions: { identity: request.viewer ? signIdentity(request.viewer, this.options.sharedSecret) : {} },
      },
      {
        next: (event) => this.receive(entry, event as ExecutionResult),
        error: (error) => this.fail(entry, error),
        complete: () => this.fail(entry),
      },
    );
    return entry;
  }

  private close(entry: SharedSubscription) {
    if (this.shared.get(entry.key) !== entry) return;
    this.shared.delete(entry.key);
    for (const window of entry.windows.values()) clearTimeout(window.timer);
    entry.stopUpstream();
  }

  /** The upstream refused or ended the subscription: pass its errors on (with their codes) and end every subscriber. */
  private fail(entry: SharedSubscription, error?: unknown) {
    const errors = error === undefined ? [] : toGraphQLErrors(Array.isArray(error) ? error : [error]);
    for (const subscriber of entry.subscribers) {
      if (errors.length) subscriber.push({ errors });
      subscriber.end();
    }
    this.close(entry);
  }

  /** Coalesces per event key: the first event of a quiet period goes out at once, later ones at most once per window. */
  private receive(entry: SharedSubscription, event: ExecutionResult) {
    const { coalesceMs } = this.options;
    if (coalesceMs <= 0) return this.resolve(entry, event);
    const key = eventKey(event);
    const window = entry.windows.get(key);
    if (window) {
      window.pending = event;
      return;
    }
    this.resolve(entry, event);
    const flush = () => {
      const current = entry.windows.get(key);
      if (current?.pending) {
        const pending = current.pending;
        current.pending = undefined;
        current.timer = setTimeout(flush, coalesceMs);
        this.resolve(entry, pending);
      } else {
        entry.windows.delete(key);
      }
    };
    entry.windows.set(key, { timer: setTimeout(flush, coalesceMs) });
  }

  private resolve(entry: SharedSubscription, event: ExecutionResult) {
    entry.chain = entry.chain
      .then(() => (event.errors?.length ? { data: event.data ?? null, errors: toGraphQLErrors(event.errors) } : this.runRest(entry, event)))
      .then((result) => {
        for (const subscriber of entry.subscribers) subscriber.push(result);
      })
      .catch((error) => {
        const message = error instanceof Error ? error.message : String(error);
        for (const subscriber of entry.subscribers) {
          subscriber.push({ errors: [new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] });
        }
      });
  }

  /** Runs the plan with its first fetch answered by the event, then the fetches other subgraphs own. */
  private async runRest(entry: SharedSubscription, event: ExecutionResult): Promise<ExecutionResult> {
    const { node, operationContext } = entry.planned;
    const primary: FetchNode = { ...node.primary, serviceName: EVENT_SOURCE };
    const plan: QueryPlan = { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [primary, node.rest] } : primary };
    const eventSource: GraphQLDataSource<GatewayContext> = { process: async () => ({ data: event.data ?? null }) as never };
    const planner = this.options.planner();
    const serviceMap = new Proxy({} as Record<string, GraphQLDataSource<GatewayContext>>, {
      get: (_target, name: string) => (name === EVENT_SOURCE ? eventSource : this.options.dataSource(name)),
    });
    const context: GatewayContext = { requestId: `subscription:${entry.key.slice(0, 12)}`, viewer: entry.request.viewer };
    const requestContext = {
      request: { query: print(entry.request.document), variables: entry.request.variables, operationName: entry.request.operationName },
      context,
      logger: console,
      metrics: {},
    };
    const result = await executeQueryPlan(
      plan,
      serviceMap,
      requestContext as never,
      operationContext,
      planner.supergraphSchemaGraphQL,
      planner.apiSchema,
    );
    return { data: result.data ?? null, ...(result.errors?.length ? { errors: result.errors } : {}) } as ExecutionResult;
  }
}

/** Errors from upstream arrive as plain JSON; graphql-ws serialises GraphQLError instances. */
function toGraphQLErrors(errors: readonly unknown[]): GraphQLError[] {
  return errors.map((error) => {
    if (error instanceof GraphQLError) return error;
    const plain = (error ?? {}) as { message?: string; extensions?: Record<string, unknown>; reason?: string };
    const message = plain.message ?? plain.reason ?? 'The upstream subscription failed.';
    return new GraphQLError(message, { extensions: plain.extensions ?? { code: 'UPSTREAM_FAILED' } });
  });
}

/** Same operation, variables and caller share one upstream subscription (the caller: authorization may differ). */
function shareKey({ document, operationName, variables, viewer }: SubscribeRequest): string {
  const scope = viewer ? `${viewer.memberId}|${[...viewer.roles].sort().join(',')}` : 'anonymous';
  return createHash('sha256')
    .update(print(document))
    .update('\0')
    .update(operationName ?? '')
    .update('\0')
    .update(JSON.stringify(variables ?? {}))
    .update('\0')
    .update(scope)
    .digest('hex');
}

/** What one event is about (a variant, an alert, a sale): events for different keys never merge. */
function eventKey(event: ExecutionResult): string {
  const root = Object.values(event.data ?? {})[0] as Record<string, unknown> | null | undefined;
  const id = root?.variantId ?? root?.saleId ?? root?.id;
  return typeof id === 'string' ? id : 'event';
}
