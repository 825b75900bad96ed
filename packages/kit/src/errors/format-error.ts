import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

export interface FormatErrorOptions {
  /** In development a client sees unexpected errors as they are; elsewhere their text is replaced. */
  exposeInternalErrors: boolean;
  log?: (error: unknown) => void;
}

/**
 * A coded error is an answer the application chose (UNAUTHENTICATED, NOT_FOUND, BAD_USER_INPUT…): where it was thrown
 * tells the client nothing, in development too, where Apollo adds every error's stack.
 */
function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/**
 * Masks unexpected errors: a client outside development sees "Internal server error" with the code,
 * never SQL, driver messages or stack traces. Coded errors the application threw pass unchanged but for their stack.
 */
export function createFormatError({ exposeInternalErrors, log = console.error }: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code !== 'INTERNAL_SERVER_ERROR' && code !== undefined) return withoutStacktrace(formatted);
    log(unwrapResolverError(error));
    if (exposeInternalErrors) return formatted;
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
