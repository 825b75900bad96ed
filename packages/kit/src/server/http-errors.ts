import type { ErrorRequestHandler } from 'express';

/**
 * Turns body-parser failures (malformed JSON, oversized bodies) into GraphQL-shaped JSON errors with a
 * code and the GraphQL-over-HTTP status, instead of Express's HTML page with a stack trace.
 */
export const createGraphqlHttpErrorHandler =
  (logger: { error(object: object, message: string): void }): ErrorRequestHandler =>
  (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const type = (error as { type?: string }).type;
    const [status, code, message] =
      type === 'entity.parse.failed'
        ? [400, 'BAD_REQUEST', 'The request body is not valid JSON.']
        : type === 'entity.too.large'
          ? [413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.']
          : type === 'encoding.unsupported' || type === 'charset.unsupported'
            ? [415, 'BAD_REQUEST', 'The request body encoding is not supported.']
            : [500, 'INTERNAL_SERVER_ERROR', 'Internal server error'];
    if (status === 500) logger.error({ err: error, requestId: req.get('x-request-id') }, 'request failed');
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };

/** The handler logging to standard error, for apps without a logger of their own. */
export const graphqlHttpErrorHandler = createGraphqlHttpErrorHandler({ error: (object, message) => console.error(message, object) });
