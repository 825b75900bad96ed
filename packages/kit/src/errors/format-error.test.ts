import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createFormatError } from './format-error.js';
import { notFound } from './graphql-errors.js';

const internal = { message: 'relation "members.member" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] }, path: ['me'] };

describe('createFormatError', () => {
  it('hides the text and stack of unexpected errors outside development, and logs them', () => {
    const logged: unknown[] = [];
    const format = createFormatError({ exposeInternalErrors: false, log: (error) => logged.push(error) });
    const original = new GraphQLError('relation "members.member" does not exist');
    expect(format(internal, original)).toEqual({ message: 'Internal server error', path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toEqual([original]);
  });

  it('passes coded application errors unchanged', () => {
    const format = createFormatError({ exposeInternalErrors: false, log: () => {} });
    const error = notFound('Product', 'x');
    const formatted = { message: error.message, extensions: error.extensions };
    expect(format(formatted, error)).toBe(formatted);
  });

  it('drops the stack of a coded error, in development too', () => {
    const format = createFormatError({ exposeInternalErrors: true, log: () => {} });
    const error = notFound('Product', 'x');
    const formatted = { message: error.message, path: ['product'], extensions: { ...error.extensions, stacktrace: ['GraphQLError: x', '    at y'] } };
    expect(format(formatted, error)).toEqual({ message: error.message, path: ['product'], extensions: error.extensions });
  });

  it('shows unexpected errors as they are in development', () => {
    const format = createFormatError({ exposeInternalErrors: true, log: () => {} });
    expect(format(internal, new Error('x'))).toBe(internal);
  });
});
