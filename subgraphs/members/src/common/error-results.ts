import { ErrorResult } from '@commerce/kit';

/** Builds a typed business failure: `fail(EmailTaken, 'That email is taken.')`. */
export function fail<T extends ErrorResult>(type: new () => T, message: string, extra: Partial<T> = {}): T {
  return Object.assign(new type(), { message }, extra);
}
