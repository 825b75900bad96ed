import { createHash } from 'node:crypto';
import { HttpRefusal, type ParsedGraphQLRequest } from '@commerce/kit/http';
import { persistedQueryId, type TrustedDocuments } from './trusted-documents.js';

/** The operation's text and extensions: from the JSON body of a POST (batches are off), or a GET's query string. */
function documentFields(request: ParsedGraphQLRequest): { query?: unknown; extensions?: any; params?: URLSearchParams } {
  if (request.method !== 'GET') return (request.body ?? {}) as { query?: unknown; extensions?: unknown };
  const params = new URLSearchParams(request.search);
  let extensions: unknown;
  try {
    extensions = JSON.parse(params.get('extensions') ?? 'null') ?? undefined;
  } catch {
    // Apollo Server answers malformed extensions itself.
  }
  return { query: params.get('query') ?? undefined, extensions, params };
}

const refuse = (code: string, message: string) => new HttpRefusal(400, code, message);

/**
 * Trusted-documents mode over HTTP, before Apollo Server sees the request: a known id becomes its text (the
 * persisted-query extension is dropped, so Apollo's APQ cache is never consulted or written), the text of a
 * trusted operation passes, and anything else is refused with 400 and a GraphQL error carrying the code.
 */
export function trustedDocumentsCheck(documents: TrustedDocuments): (request: ParsedGraphQLRequest) => HttpRefusal | void {
  return (request) => {
    const fields = documentFields(request);
    const resolved = documents.resolve(fields);
    if (resolved === undefined) return;
    if (typeof resolved !== 'string') return refuse(resolved.code, resolved.message);
    if (persistedQueryId(fields.extensions) !== undefined) {
      if (fields.params) {
        fields.params.set('query', resolved);
        fields.params.delete('extensions');
        request.search = `?${fields.params}`;
      } else {
        request.body.query = resolved;
        delete request.body.extensions.persistedQuery;
      }
    }
  };
}

/**
 * In APQ mode, refuses a persisted-query extension Apollo Server would refuse without an error code (another
 * protocol version, a hash that is not the text's), so the client gets a code like every other refusal. Only a
 * registration (text and hash together) costs a hash here.
 */
export function apqRequestCheck(request: ParsedGraphQLRequest): HttpRefusal | void {
  const { query, extensions } = documentFields(request);
  const persisted = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  if (!persisted) return;
  if (persisted.version !== 1) return refuse('PERSISTED_QUERY_VERSION_UNSUPPORTED', 'Only version 1 of persisted queries is supported.');
  if (typeof query === 'string' && query !== '' && createHash('sha256').update(query).digest('hex') !== persisted.sha256Hash) {
    return refuse('PERSISTED_QUERY_HASH_MISMATCH', "The persisted query's sha256Hash does not match its text.");
  }
}
