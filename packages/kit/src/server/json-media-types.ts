/** A JSON request body's content type, with or without parameters (Apollo Server's CSRF prevention accepts it). */
export const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Accept headers Apollo Server answers with application/json anyway, as it does without one. The handler drops them,
 * which spares content negotiation (Apollo otherwise runs it two or three times per request, and a subgraph's every
 * call from the gateway sends `application/json`); the direct path answers them with application/json.
 */
export const PLAIN_JSON_ACCEPT = new Set(['application/json', '*/*', 'application/json, */*']);
