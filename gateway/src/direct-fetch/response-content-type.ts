import Negotiator from 'negotiator';

const APPLICATION_JSON = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
/** Apollo Server's candidates for a single result, in its order (the callback type is for subscriptions over HTTP). */
const CANDIDATES = [APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, 'application/json; callbackSpec=1.0; charset=utf-8'];

const chosen = new Map<string, string | null>();
const MAX_REMEMBERED = 256;

/**
 * The content type Apollo Server would answer a single result with for this Accept header (its
 * chooseContentTypeForSingleResultResponse), or null when that is not one of the two JSON types. Clients send a
 * handful of distinct Accept headers, so the negotiation (a parse of the header per call) is done once per value.
 */
export function responseContentType(accept: string | undefined): string | null {
  if (!accept) return APPLICATION_JSON;
  let type = chosen.get(accept);
  if (type === undefined) {
    const preferred = new Negotiator({ headers: { accept } }).mediaType(CANDIDATES);
    type = preferred === APPLICATION_JSON || preferred === GRAPHQL_RESPONSE_JSON ? preferred : null;
    if (chosen.size >= MAX_REMEMBERED) chosen.clear();
    chosen.set(accept, type);
  }
  return type;
}
