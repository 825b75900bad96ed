import type { Request } from 'express';

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
export function clientInfoOf(req: Request): ClientInfo {
  const last = req.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  return {
    address: last || req.socket.remoteAddress || 'unknown',
    userAgent: req.get('user-agent')?.slice(0, 300) ?? null,
  };
}

export const UNKNOWN_CLIENT: ClientInfo = { address: 'unknown', userAgent: null };
