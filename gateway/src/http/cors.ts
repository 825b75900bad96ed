import type { RequestHandler } from 'express';

/** Headers a browser client of the gateway sends (Apollo clients add the operation name and preflight hints). */
const ALLOWED_HEADERS = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id';

/**
 * CORS for an explicit list of origins only: an allowed origin gets its own value echoed back (never `*`,
 * so the Authorization header may be sent); any other origin gets no CORS headers and the browser blocks it.
 * Preflights are answered here, so they never reach Apollo Server.
 */
export function corsMiddleware(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    const origin = req.get('origin');
    // The answer depends on Origin, so shared caches must not serve one origin's response to another.
    res.vary('Origin');
    const permitted = origin !== undefined && allowed.has(origin);
    if (permitted) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (permitted) {
      res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.set('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}
