import type { RequestHandler } from 'express';
import { persistedQueryId, type TrustedDocuments } from './trusted-documents.js';

/**
 * Trusted-documents mode over HTTP, before Apollo Server sees the request: a known id becomes its text (the
 * persisted-query extension is dropped, so Apollo's APQ cache is never consulted or written), the text of a
 * trusted operation passes, and anything else is refused with 400 and a GraphQL error carrying the code.
 * POST bodies are JSON (batches are off); GET requests carry the same fields in the query string.
 */
export function trustedDocumentsMiddleware(documents: TrustedDocuments): RequestHandler {
  return (req, res, next) => {
    let resolved;
    if (req.method === 'GET') {
      const url = new URL(req.url, 'http://gateway');
      const extensions = parseJson(url.searchParams.get('extensions'));
      resolved = documents.resolve({ query: url.searchParams.get('query') ?? undefined, extensions });
      if (typeof resolved === 'string' && persistedQueryId(extensions) !== undefined) {
        url.searchParams.set('query', resolved);
        url.searchParams.delete('extensions');
        req.url = `${url.pathname}${url.search}`;
      }
    } else {
      const body = req.body as { query?: unknown; extensions?: { persistedQuery?: unknown } } | undefined;
      resolved = body ? documents.resolve(body) : undefined;
      if (typeof resolved === 'string' && body) {
        body.query = resolved;
        if (body.extensions) delete body.extensions.persistedQuery;
      }
    }
    if (resolved === undefined || typeof resolved === 'string') return next();
    res.status(400).json({ errors: [{ message: resolved.message, extensions: { code: resolved.code } }] });
  };
}

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // Apollo Server answers malformed extensions itself
  }
}
