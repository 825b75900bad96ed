import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers a browser client of the gateway sends (Apollo clients add the operation name and preflight hints). */
const ALLOWED_HEADERS = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id';

/**
 * CORS for an explicit list of origins only: an allowed origin gets its own value echoed back (never `*`,
 * so the Authorization header may be sent); any other origin gets no CORS headers and the browser blocks it.
 * Preflights are answered here, so they never reach Apollo Server. Returns true when it answered the request.
 */
export function corsHandler(allowedOrigins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = new Set(allowedOrigins);
  return (req, res) => {
    const origin = req.headers.origin;
    // The answer depends on Origin, so shared caches must not serve one origin's response to another.
    res.setHeader('vary', 'Origin');
    const permitted = origin !== undefined && allowed.has(origin);
    if (permitted) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return false;
    if (permitted) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', '600');
    }
    res.statusCode = 204;
    res.end();
    return true;
  };
}
