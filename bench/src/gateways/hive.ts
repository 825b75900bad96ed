/**
 * Hive Gateway (createGatewayRuntime) on node:http, serving the same committed supergraph.
 * Env: PORT, HOST, SUBGRAPH_URLS (JSON name → URL).
 */
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { supergraphWithUrls } from '../lib/supergraph.js';

const runtime = createGatewayRuntime({
  supergraph: supergraphWithUrls(JSON.parse(process.env.SUBGRAPH_URLS ?? '{}')),
  logging: false,
});
const server = createServer(runtime);
const port = Number(process.env.PORT);
await new Promise<void>((resolve) => server.listen(port, process.env.HOST ?? '127.0.0.1', resolve));
console.log(`READY http://127.0.0.1:${port}/graphql`);
process.on('SIGTERM', () => {
  server.close();
  void Promise.resolve(runtime.dispose()).then(() => process.exit(0));
});
