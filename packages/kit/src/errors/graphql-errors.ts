import { GraphQLError } from 'graphql';

/**
 * Codes of thrown errors: failures the client did not plan for. Expected business outcomes
 * (SOLD_OUT, LIMIT_EXCEEDED…) are typed results in the schema instead; see `ErrorResult`.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

function coded(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const badUserInput = (message: string, field?: string) =>
  coded('BAD_USER_INPUT', message, field ? { field } : {});

export const unauthenticated = (message = 'You must be logged in.') => coded('UNAUTHENTICATED', message);

export const forbidden = (message = 'You are not allowed to do this.') => coded('FORBIDDEN', message);

export const notFound = (typeName: string, id: string) =>
  coded('NOT_FOUND', `${typeName} ${id} does not exist.`, { typeName, id });

export const conflict = (message: string) => coded('CONFLICT', message);

/** The answer cannot be given now (state being restored); the same request asked again later gets it. */
export const unavailable = (message: string) => coded('UNAVAILABLE', message);

export const rateLimited = (retryAfterSeconds: number) =>
  coded('RATE_LIMITED', `Too many attempts; try again in ${retryAfterSeconds}s.`, { retryAfterSeconds });

/**
 * Codes of errors the caller caused (bad input, no access, limits): expected outcomes, not faults of ours, so they
 * are neither logged as errors nor mark a trace span as failed.
 */
export const CLIENT_ERROR_CODES = new Set([
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // @apollo/gateway's answer to an operationName the document does not define.
  'INVALID_GRAPHQL',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_ALIASES',
  'RATE_LIMITED',
  'CONFLICT',
  'PERSISTED_QUERY_NOT_TRUSTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'PERSISTED_QUERY_VERSION_UNSUPPORTED',
]);
