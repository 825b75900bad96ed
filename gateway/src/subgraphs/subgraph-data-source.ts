import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { IdentitySigner } from '@commerce/kit/http';
import { StringDecoder } from 'node:string_decoder';
import { Pool } from 'undici';
import type { GatewayContext } from '../context.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { type CallAnswer, type OpenAnswer, SubgraphBatcher } from './subgraph-batcher.js';
import { failureErrors, failureFromError, RETRYABLE_STATUSES, SubgraphFailure } from './subgraph-failure.js';

export interface SubgraphDataSourceOptions {
  url: string;
  /** The budget of one call, retries included. */
  timeoutMs: number;
  /** Signs the forwarded identity (with the secret subgraphs share) so they can tell it from a forgery. */
  identities: IdentitySigner;
  /** Keep-alive connections kept open to this subgraph. */
  connections?: number;
  /** The subgraph's name, for error messages. */
  name?: string;
  /** Extra attempts for a read that failed before the subgraph could have done anything (never for mutations). */
  retries?: number;
  /** Decides whether calls may reach this subgraph; without one, they always may. */
  breaker?: CircuitBreaker;
  /** Sends the calls made within one turn of the event loop as one HTTP request (see SubgraphBatcher). */
  batching?: boolean;
  /** Told the number of calls of every batch sent (for metrics). */
  onBatch?: (calls: number) => void;
}

type GraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** A body's text piece by piece; a character cut between two chunks is decoded whole. */
async function* decodeUtf8(body: AsyncIterable<Buffer>): AsyncIterable<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of body) {
    const text = decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** First backoff before a retry; doubled per attempt, with full jitter so replicas do not retry in step. */
const RETRY_BASE_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls one subgraph over HTTP/1.1 with a pool of keep-alive connections (undici's Pool). It replaces
 * RemoteGraphQLDataSource, which builds a WHATWG Request and a streamed body for every fetch: profiles showed
 * that layer as the gateway's own largest cost. Identical reads already in flight (same operation, variables
 * and caller) share one call, as in Apollo Router's and Hive Gateway's deduplication. Every call carries the
 * request id, the client's address and, for a signed-in caller, the identity signed with the shared secret.
 *
 * Every call has a time budget; reads are retried within it when the connection was refused or reset or a proxy
 * answered 502/503/504; a circuit breaker stops calls to a failing subgraph. A call that gets no answer resolves
 * with GraphQL errors on the fields it should have filled, so the gateway still serves the rest of the query.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly name: string;
  /** Identical reads in flight share one subgraph call; each caller parses its own copy of the answer. */
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly batcher?: SubgraphBatcher<SubgraphFailure>;

  constructor(private readonly options: SubgraphDataSourceOptions) {
    const url = new URL(options.url);
    this.path = `${url.pathname}${url.search}`;
    this.name = options.name ?? url.host;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 128,
      keepAliveTimeout: 30_000,
      // A connection that cannot be made (an unreachable host) fails within the budget too, not after undici's 10 s.
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    if (options.batching) {
      this.batcher = new SubgraphBatcher({
        send: (headers, body, budgetMs) => this.post(headers, body, budgetMs),
        open: (headers, body, budgetMs) => this.open(headers, body, budgetMs),
        failed: (error) => failureFromError(this.name, error, options.timeoutMs),
        malformed: () => new SubgraphFailure(`The ${this.name} subgraph answered a batch that does not match its calls.`, 'SUBGRAPH_ERROR', false),
        onBatch: options.onBatch,
      });
    }
  }

  /*
   * process, send and attempt chain promises rather than await: each is on every call's path, and an async function
   * suspended across the subgraph's round trip keeps its frame alive until the answer is in. Under a burst a thousand
   * calls wait at once, and every frame the young-generation collector found alive it copied, then promoted: the
   * gateway's largest share of garbage-collection time.
   */
  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GraphQLResponse> {
    const { request } = options;
    try {
      const context = options.context as GatewayContext | undefined;
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      for (const [name, value] of request.http?.headers ?? []) headers[name] = value;
      if (context?.requestId) headers['x-request-id'] = context.requestId;
      // Subgraphs trust only the last X-Forwarded-For entry: the one this gateway appends.
      if (context?.clientAddress) headers['x-forwarded-for'] = context.clientAddress;
      if (context?.viewer) Object.assign(headers, this.identityHeaders(context));
      const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
      const answered = (text: string) => JSON.parse(text) as GraphQLResponse;
      const failed = (error: unknown): GraphQLResponse => {
        if (!(error instanceof SubgraphFailure)) throw error;
        return { errors: failureErrors(error, this.name, request, 'document' in options ? options.document : undefined) };
      };
      // Only reads are shared, and only between callers with the same identity: the answer may depend on it.
      if (/^\s*mutation\b/.test(request.query ?? '')) return this.send(headers, body, false).then(answered, failed);
      const viewer = context?.viewer;
      const key = `${viewer ? `${viewer.memberId}|${viewer.roles.join(',')}|${viewer.sessionId}|${viewer.canPurchase}` : '-'}\n${body}`;
      let answer = this.inFlight.get(key);
      if (!answer) {
        answer = this.send(headers, body, true).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, answer);
      }
      return answer.then(answered, failed);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One call within the time budget: attempts, each allowed by the breaker and reported to it. */
  private send(headers: Record<string, string>, body: string, idempotent: boolean): Promise<string> {
    const retries = idempotent ? (this.options.retries ?? 0) : 0;
    return this.attemptFrom(0, headers, body, retries, Date.now() + this.options.timeoutMs);
  }

  /** Attempt number `attempt`, and the next ones while a failure may be retried within the deadline. */
  private attemptFrom(attempt: number, headers: Record<string, string>, body: string, retries: number, deadline: number): Promise<string> {
    const { breaker } = this.options;
    const admission = breaker ? breaker.allow() : undefined;
    if (admission === false) {
      return Promise.reject(
        new SubgraphFailure(`The ${this.name} subgraph is unavailable (circuit open); not called.`, 'SUBGRAPH_UNAVAILABLE', false, {
          retryAfterSeconds: Math.max(1, Math.ceil(breaker!.retryAfterMs() / 1000)),
        }),
      );
    }
    // A retry goes alone: the calls of a batch share its budget, and a retry has only what is left of its own.
    return this.attempt(headers, body, Math.max(1, deadline - Date.now()), attempt === 0).then((failure) => {
      if (typeof failure === 'string') {
        breaker?.success(admission);
        return failure;
      }
      if (failure.code === 'SUBGRAPH_ERROR' && !failure.retryable) breaker?.success(admission); // it answered, just not in JSON
      else breaker?.failure(admission);
      if (!failure.retryable || attempt >= retries) throw failure;
      const backoff = Math.random() * RETRY_BASE_MS * 2 ** attempt;
      if (Date.now() + backoff >= deadline) throw failure;
      return sleep(backoff).then(() => this.attemptFrom(attempt + 1, headers, body, retries, deadline));
    });
  }

  /** The answer's text, or why there is none. */
  private attempt(headers: Record<string, string>, body: string, budgetMs: number, batchable: boolean): Promise<string | SubgraphFailure> {
    const response = this.batcher && batchable ? this.batcher.call(headers, body, budgetMs) : this.post(headers, body, budgetMs);
    return response.then((answer) => this.judge(answer));
  }

  /** A subgraph's answer as the text of a GraphQL response, or the failure it is. */
  private judge(response: CallAnswer<SubgraphFailure>): string | SubgraphFailure {
    if (response instanceof SubgraphFailure) return response;
    if (RETRYABLE_STATUSES.has(response.status)) {
      return new SubgraphFailure(`The ${this.name} subgraph is unavailable (${response.status}).`, 'SUBGRAPH_UNAVAILABLE', true);
    }
    const { contentType } = response;
    if (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json')) return response.text;
    // Not the body itself: whatever a subgraph or a proxy in front of it printed is not for clients.
    const failure = new SubgraphFailure(`The ${this.name} subgraph answered ${response.status} without GraphQL.`, 'SUBGRAPH_ERROR', false);
    // A 5xx that is not GraphQL says the subgraph is in trouble; anything else says it is up.
    return response.status >= 500 ? new SubgraphFailure(failure.message, 'SUBGRAPH_UNAVAILABLE', false) : failure;
  }

  /** One HTTP request: its status, content type and body, or why there is none. */
  private async post(headers: Record<string, string>, body: string, budgetMs: number): Promise<CallAnswer<SubgraphFailure>> {
    const response = await this.request(headers, body, budgetMs);
    if (response instanceof SubgraphFailure) return response;
    try {
      return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), text: await response.body.text() };
    } catch (error) {
      return failureFromError(this.name, error, this.options.timeoutMs);
    }
  }

  /** One HTTP request whose body is read as it arrives (a batch's answers), or why there is none. */
  private async open(headers: Record<string, string>, body: string, budgetMs: number): Promise<OpenAnswer | SubgraphFailure> {
    const response = await this.request(headers, body, budgetMs);
    if (response instanceof SubgraphFailure) return response;
    return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), chunks: decodeUtf8(response.body) };
  }

  private async request(headers: Record<string, string>, body: string, budgetMs: number) {
    try {
      // The signal bounds the whole attempt, including the wait for a free connection in the pool's queue (undici's
      // headers timer starts only once the request is on a socket, and its body timer measures gaps between chunks).
      return await this.pool.request({
        path: this.path,
        method: 'POST',
        headers,
        body,
        headersTimeout: budgetMs,
        bodyTimeout: budgetMs,
        signal: AbortSignal.timeout(budgetMs),
      });
    } catch (error) {
      return failureFromError(this.name, error, this.options.timeoutMs);
    }
  }

  /** Signed once per request (or reused from the viewer's last few seconds) and reused by every fetch of its plan. */
  private identityHeaders(context: GatewayContext): Record<string, string> {
    context.signedIdentity ??= this.options.identities.sign(context.viewer!);
    return context.signedIdentity;
  }

  async close() {
    await this.pool.close();
  }
}
