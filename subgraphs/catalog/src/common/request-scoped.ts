const perRequest = new WeakMap<object, Map<string, unknown>>();

/**
 * A value built once per request and shared by its resolvers: for DataLoaders that need more than the
 * EntityManager (`createLoaders` only receives the em), e.g. one that reads the Redis price cache.
 * Keyed on the request's context object, so it dies with the request.
 */
export function requestScoped<T>(context: object, name: string, create: () => T): T {
  let values = perRequest.get(context);
  if (!values) perRequest.set(context, (values = new Map()));
  if (!values.has(name)) values.set(name, create());
  return values.get(name) as T;
}
