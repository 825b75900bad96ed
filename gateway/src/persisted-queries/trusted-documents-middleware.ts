import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { persistedQueryId, type TrustedDocuments } from './trusted-documents.js';

/** The operation's text and extensions: from the JSON body of a POST (batches are off), or a GET's query string. */
function documentFields(req: Request): { query?: unknown; extensions?: any; url?: URL } {
  if (req.method !== 'GET') return (req.body ?? {}) as { query?: unknown; extensions?: unknown };
  const url = new URL(req.url, 'http://gateway');
  let extensions: unknown;
  try {
    extensions = JSON.parse(url.searchParams.get('extensions') ?? 'null') ?? undefined;
  } catch {
    // Apollo Server answers malformed extensions itself.
  }
  return { query: url.searchParams.get('query') ?? undefined, extensions, url };
}

const refuse = (res: Response, code: string, message: string) => res.status(400).json({ errors: [{ message, extensions: { code } }] });

/**
 * Trusted-documents mode over HTTP, before Apollo Server sees the request: a known id becomes its text (the
 * persisted-query extension is dropped, so Apollo's APQ cache is never consulted or written), the text of a
 * trusted operation passes, and anything else is refused with 400 and a GraphQL error carrying the code.
 */
export function trustedDocumentsMiddleware(documents: TrustedDocuments): RequestHandler {
  return (req, res, next) => {
    const fields = documentFields(req);
    const resolved = documents.resolve(fields);
    if (resolved === undefined) return next();
    if (typeof resolved !== 'string') return refuse(res, resolved.code, resolved.message);
    if (persistedQueryId(fields.extensions) !== undefined) {
      if (fields.url) {
        fields.url.searchParams.set('query', resolved);
        fields.url.searchParams.delete('extensions');
        req.url = `${fields.url.pathname}${fields.url.search}`;
      } else {
        req.body.query = resolved;
        delete req.body.extensions.persistedQuery;
      }
    }
    next();
  };
}

/**
 * In APQ mode, refuses a persisted-query extension Apollo Server would refuse without an error code (another
 * protocol version, a hash that is not the text's), so the client gets a code like every other refusal. Only a
 * registration (text and hash together) costs a hash here.
 */
export const apqRequestCheck: RequestHandler = (req, res, next) => {
  const { query, extensions } = documentFields(req);
  const persisted = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  if (!persisted) return next();
  if (persisted.version !== 1) return refuse(res, 'PERSISTED_QUERY_VERSION_UNSUPPORTED', 'Only version 1 of persisted queries is supported.');
  if (typeof query === 'string' && query !== '' && createHash('sha256').update(query).digest('hex') !== persisted.sha256Hash) {
    return refuse(res, 'PERSISTED_QUERY_HASH_MISMATCH', "The persisted query's sha256Hash does not match its text.");
  }
  next();
};
