import type { ErrorRequestHandler } from 'express';

/**
 * The last handler of the Express routes (health, readiness, metrics, a service's own): an unexpected error is logged
 * and answered as a GraphQL-shaped JSON error with a code, instead of Express's HTML page with a stack trace. (Bodies
 * are refused with their own codes by graphqlHttpHandler; no Express route parses one.)
 */
export const createHttpErrorHandler =
  (logger: { error(object: object, message: string): void }): ErrorRequestHandler =>
  (error, req, res, next) => {
    if (res.headersSent) return next(error);
    logger.error({ err: error, requestId: req.get('x-request-id') }, 'request failed');
    res.status(500).type('application/json').send(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
  };

/** A GraphQL-shaped answer with one coded error, as JSON text: what every refusal outside GraphQL execution sends. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}
