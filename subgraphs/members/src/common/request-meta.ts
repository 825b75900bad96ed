import { AsyncLocalStorage } from 'node:async_hooks';
import type { Express, Request } from 'express';

/** Where a request came from, for login throttling and the device list. */
export interface RequestMeta {
  clientAddress: string;
  userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestMeta>();

/**
 * The client's address as the hop in front of us saw it: the gateway appends the address it accepted the
 * connection from to X-Forwarded-For, so the LAST entry is the one a client cannot forge (earlier entries
 * are whatever the client sent). Without the header the caller is the peer itself.
 */
export function clientAddressOf(req: Request): string {
  const forwarded = req.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

/**
 * The kit builds the GraphQL context without the request, so the request's metadata travels in
 * AsyncLocalStorage from this middleware (registered before /graphql) into the resolvers.
 */
export function captureRequestMeta(app: Express) {
  app.use('/graphql', (req, _res, next) => {
    storage.run({ clientAddress: clientAddressOf(req), userAgent: req.get('user-agent')?.slice(0, 300) ?? null }, next);
  });
}

export function currentRequestMeta(): RequestMeta {
  return storage.getStore() ?? { clientAddress: 'unknown', userAgent: null };
}
