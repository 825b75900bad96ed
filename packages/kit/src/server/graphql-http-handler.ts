import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import type { AroundCall } from '../telemetry/http-server-spans.js';
import { errorBody } from './http-errors.js';
import { JSON_CONTENT_TYPE, PLAIN_JSON_ACCEPT } from './json-media-types.js';
import { BATCH_CONTENT_TYPE, BATCH_HEADER, type BatchedAnswer, decodeBatchRequest, encodeBatchFrame } from './subgraph-batch.js';

export interface GraphQLHttpHandlerOptions<Context> {
  /** Builds the operation's context from the request (identity, request id, client address…). */
  context: (req: IncomingMessage) => Promise<Context>;
  /** Bodies above this many bytes are refused with 413 PAYLOAD_TOO_LARGE before they are read in full. */
  maxBodyBytes: number;
  /** Told of every request refused before GraphQL sees it (for metrics). */
  onRefused?: (refusal: HttpRefusal) => void;
  /** Told of unexpected failures (answered 500 without details); logs to standard error by default. */
  onError?: (error: unknown, req: IncomingMessage) => void;
  /** Wraps the handling of each request (the tracing span), calling `next` to handle it. */
  around?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /**
   * Sees the parsed request before Apollo Server does: may rewrite its body or query string (a trusted document's
   * id into its text), or refuse it by returning an HttpRefusal.
   */
  inspect?: (request: ParsedGraphQLRequest) => HttpRefusal | void;
  /**
   * Answers the request without Apollo Server when it can (after `inspect`), resolving true once it has answered;
   * false leaves it to Apollo Server. It must not have done anything the client could observe when it says false.
   */
  serveDirectly?: (request: ParsedGraphQLRequest, req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Serves the gateway's batches of calls (see subgraph-batch.ts): subgraphs do, the gateway does not. */
  batches?: boolean;
  /** Wraps the handling of each call of a batch (its tracing span, child of the call's own traceparent). */
  aroundCall?: AroundCall;
  /** Serves a batch's calls of operations Apollo Server has already validated without its pipeline (DirectExecution). */
  direct?: { serve(headers: IncomingMessage['headers'], body: unknown, context: () => Promise<Context>): Promise<BatchedAnswer | undefined> };
}

/** A request as Apollo Server will get it: POST bodies parsed, GET operations in the query string. */
export interface ParsedGraphQLRequest {
  method: string;
  /** The query string with its leading `?`, or ''. */
  search: string;
  body: any;
}

/** A refusal before GraphQL: a GraphQL-shaped JSON error with a code, never an HTML page. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Why, as a metric label: payload_too_large, malformed_json, unsupported_encoding… or the code. */
    readonly reason = code.toLowerCase(),
  ) {
    super(message);
  }
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * Serves Apollo Server on Node's own request and response, without Express. Profiles of the claim path showed
 * the Express layer (router, body-parser, content negotiation, a weak ETag hashed over every response body) as a
 * tenth of a process's CPU; Apollo Server needs none of it. What it keeps from that layer: JSON bodies only (other
 * content types reach Apollo with an empty body, which its CSRF prevention then refuses), a size limit enforced
 * while reading, and coded JSON errors for malformed, oversized or unsupported bodies.
 */
export function graphqlHttpHandler<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  options: GraphQLHttpHandlerOptions<Context>,
): (req: IncomingMessage, res: ServerResponse) => void {
  apollo.assertStarted('graphqlHttpHandler()');
  // `inspect` sees a request's body whole: a batch's calls would pass it unchecked.
  if (options.batches && options.inspect) throw new Error('graphqlHttpHandler: `inspect` cannot be combined with `batches`.');
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    handle(apollo, options, req, res).catch((error: unknown) => {
      const refusal = error instanceof HttpRefusal ? error : new HttpRefusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      if (!(error instanceof HttpRefusal)) (options.onError ?? console.error)(error, req);
      else options.onRefused?.(refusal);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // The rest of a refused body is not read: close the connection rather than parse it as the next request.
      if (refusal.status === 413) res.setHeader('connection', 'close');
      sendJson(res, refusal.status, errorBody(refusal.code, refusal.message));
    });
  };
  const { around, batches } = options;
  if (!around) return serve;
  // A gateway batch belongs to no one trace: each of its calls gets its own span (aroundCall) instead.
  return (req, res) => (batches && req.headers[BATCH_HEADER] !== undefined ? serve(req, res) : around(req, res, () => serve(req, res)));
}

async function handle<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  options: GraphQLHttpHandlerOptions<Context>,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const body = req.method === 'POST' ? await readJsonBody(req, options.maxBodyBytes) : {};
  const parsed: ParsedGraphQLRequest = { method: req.method?.toUpperCase() ?? 'GET', search: query === -1 ? '' : url.slice(query), body };
  const refusal = options.inspect?.(parsed);
  if (refusal) throw refusal;
  if (options.batches && parsed.method === 'POST' && req.headers[BATCH_HEADER] !== undefined) {
    await serveBatch(apollo, options, req, res, parsed.body);
    return;
  }
  if (options.serveDirectly && (await options.serveDirectly(parsed, req, res))) return;
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: parsed.method, headers: apolloHeaders(req.headers), search: parsed.search, body: parsed.body },
    context: () => options.context(req),
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (response.body.kind === 'complete') {
    sendJson(res, response.status ?? 200, response.body.string);
    return;
  }
  res.statusCode = response.status ?? 200;
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

function apolloHeaders(source: IncomingMessage['headers']): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || (name === 'accept' && typeof value === 'string' && PLAIN_JSON_ACCEPT.has(value))) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * Runs each call of a gateway batch as if it had come alone, all at once: its own headers (so its own identity,
 * request id and client address in its context), Apollo Server's whole pipeline with its plugins, its own status,
 * its answer sent as soon as it is ready (a slow call holds no other back).
 */
async function serveBatch<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  options: GraphQLHttpHandlerOptions<Context>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
) {
  const calls = decodeBatchRequest(body);
  if (!calls) throw new HttpRefusal(400, 'BAD_REQUEST', 'The request body is not a batch of GraphQL requests.', 'malformed_batch');
  res.statusCode = 200;
  res.setHeader('content-type', BATCH_CONTENT_TYPE);
  // Each answer is written as soon as it is ready; those ready in the same tick (their Redis replies came in one
  // read) leave in one write.
  let ready = '';
  const flush = () => {
    if (ready === '') return;
    res.write(ready);
    ready = '';
  };
  const send = (index: number, answer: BatchedAnswer) => {
    if (ready === '') process.nextTick(flush);
    ready += encodeBatchFrame(index, answer);
  };
  await Promise.all(
    calls.map(async (call, index) => {
      const headers: IncomingMessage['headers'] = { 'content-type': 'application/json' };
      for (const [name, value] of Object.entries(call.headers)) headers[name.toLowerCase()] = value;
      send(index, await serveCall(apollo, options, req, headers, call.body));
    }),
  );
  flush();
  res.end();
}

/** One call of a batch: Apollo Server's answer to it, or a coded 500 of its own when it (or its span) failed unexpectedly. */
async function serveCall<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  options: GraphQLHttpHandlerOptions<Context>,
  req: IncomingMessage,
  headers: IncomingMessage['headers'],
  body: unknown,
): Promise<BatchedAnswer> {
  // The request as the context builder reads it: this call's headers, the batch's connection.
  const callRequest = Object.create(req, { headers: { value: headers } }) as IncomingMessage;
  const run = async (): Promise<BatchedAnswer> => {
    const direct = await options.direct?.serve(headers, body, () => options.context(callRequest));
    if (direct) return direct;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: apolloHeaders(headers), search: '', body },
      context: () => options.context(callRequest),
    });
    const contentType = response.headers.get('content-type') ?? 'application/json; charset=utf-8';
    if (response.body.kind === 'complete') return { status: response.status ?? 200, contentType, text: response.body.string };
    let text = '';
    for await (const chunk of response.body.asyncIterator) text += chunk;
    return { status: response.status ?? 200, contentType, text };
  };
  try {
    return await (options.aroundCall ? options.aroundCall(headers, run) : run());
  } catch (error) {
    try {
      (options.onError ?? console.error)(error, callRequest);
    } catch {
      // A reporter that fails itself must not take the batch's other calls down with it: this one is answered a 500.
    }
    return { status: 500, contentType: 'application/json; charset=utf-8', text: errorBody('INTERNAL_SERVER_ERROR', 'Internal server error') };
  }
}

/** Answers with a JSON text: the content type unless one is set already (application/json), and its length. */
export function sendJson(res: ServerResponse, status: number, text: string) {
  res.statusCode = status;
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** The parsed JSON body; `{}` for other content types (Apollo's CSRF prevention decides about those). */
async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.', 'payload_too_large');
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new HttpRefusal(415, 'BAD_REQUEST', 'The request body encoding is not supported.', 'unsupported_encoding');
  }
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpRefusal(415, 'BAD_REQUEST', 'The request body encoding is not supported.', 'unsupported_encoding');
  }
  const chunks = await readBody(req, maxBytes);
  if (!JSON_CONTENT_TYPE.test(type)) return {};
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpRefusal(400, 'BAD_REQUEST', 'The request body is not valid JSON.', 'malformed_json');
  }
}

/**
 * The body's chunks, refusing once it passes `maxBytes`. The stream is paused there, not destroyed: destroying
 * the request would destroy the socket before the 413 answer could be written.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      req.pause();
      reject(new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.', 'payload_too_large'));
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new HttpRefusal(400, 'BAD_REQUEST', `The request body could not be read: ${error.message}`, 'unreadable_body'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
