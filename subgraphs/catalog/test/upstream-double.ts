import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyIdentity } from '@commerce/kit';
import { TEST_GATEWAY_SECRET } from '@commerce/testkit';

export interface RecordedCall {
  /** The root field called, e.g. grantSellerRole. */
  field: string;
  variables: Record<string, any>;
  /** The calling service, as its signed identity says. */
  service: string | null;
}

/**
 * A stand-in for another team's subgraph over real HTTP: it answers every internal mutation with true and
 * records the call, or fails with 503 while `down` is set. Catalog's outbox relay talks to it exactly as it
 * would to members or inventory.
 */
export async function startUpstreamDouble() {
  const calls: RecordedCall[] = [];
  const state = { down: false, failedRequests: 0 };
  const readBody = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return JSON.parse(text) as { query: string; variables?: Record<string, any> };
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (state.down) {
      state.failedRequests += 1;
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'down' }] }));
      return;
    }
    const viewer = verifyIdentity({ get: (name) => req.headers[name] as string | undefined }, TEST_GATEWAY_SECRET);
    const field = /\{\s*(\w+)\s*\(/.exec(body.query)?.[1] ?? '?';
    calls.push({ field, variables: body.variables ?? {}, service: viewer?.roles.includes('SERVICE') ? viewer.service : null });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { [field]: true } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    calls,
    state,
    callsTo: (field: string) => calls.filter((call) => call.field === field),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type UpstreamDouble = Awaited<ReturnType<typeof startUpstreamDouble>>;
