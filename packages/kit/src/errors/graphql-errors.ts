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

export const rateLimited = (retryAfterSeconds: number) =>
  coded('RATE_LIMITED', `Too many attempts; try again in ${retryAfterSeconds}s.`, { retryAfterSeconds });
