import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  query: string;
  variables: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

/**
 * A stand-in for the catalog team's API over real HTTP: answers `setVariantAvailability` with true and
 * records every call. `port` lets a test start it where inventory was already told to look.
 */
export async function startCatalogStub(port = 0): Promise<{ url: string; calls: RecordedCall[]; close(): Promise<void> }> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
      calls.push({ query, variables, headers: req.headers });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { setVariantAvailability: true } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/graphql`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on (for a moment): where a catalog that is down would be. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
