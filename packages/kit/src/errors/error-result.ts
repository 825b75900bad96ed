import 'reflect-metadata';
import { Field, InterfaceType } from 'type-graphql';

/**
 * Expected business outcomes (sold out, limit exceeded, coupon expired…) are values, not exceptions:
 * each is an object type implementing this interface inside a union with the success type, so clients
 * handle them with exhaustive `__typename` checks instead of parsing error messages.
 */
@InterfaceType({ description: 'An expected business failure returned as data.' })
export abstract class ErrorResult {
  @Field({ description: 'A stable, machine-readable code such as SOLD_OUT.' })
  code!: string;

  @Field({ description: 'A human-readable explanation.' })
  message!: string;
}

/** Builds a typed business failure: `fail(SoldOut, 'All gone.', { remaining: 0 })`. */
export function fail<T extends ErrorResult>(type: new () => T, message: string, extra: Partial<T> = {}): T {
  return Object.assign(new type(), { message }, extra);
}
