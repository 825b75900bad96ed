import type { IncomingMessage } from 'node:http';

/** Where a request came from: for throttling by address and for a member's list of devices. */
export interface ClientInfo {
  address: string;
  userAgent: string | null;
}

/**
 * The gateway appends the address it accepted the connection from to X-Forwarded-For, so the LAST entry is the
 * one a client cannot forge (earlier entries are whatever the client sent). Without the header the caller is the
 * peer itself.
 */
export function clientInfoOf(req: IncomingMessage): ClientInfo {
  const last = headerOf(req, 'x-forwarded-for')?.split(',').at(-1)?.trim();
  return {
    address: last || req.socket.remoteAddress || 'unknown',
    userAgent: headerOf(req, 'user-agent')?.slice(0, 300) ?? null,
  };
}

/** One request header as a string (repeated headers joined, as Node does for most of them). */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export const UNKNOWN_CLIENT: ClientInfo = { address: 'unknown', userAgent: null };
