/**
 * @apollo/gateway with its defaults, as an Apollo user starts: ApolloGateway({ supergraphSdl }) behind
 * @apollo/server's startStandaloneServer. Env: PORT, HOST, SUBGRAPH_URLS (JSON name → URL).
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { supergraphWithUrls } from '../lib/supergraph.js';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const gateway = new ApolloGateway({ supergraphSdl: supergraphWithUrls(JSON.parse(process.env.SUBGRAPH_URLS ?? '{}')) });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' } });
console.log(`READY ${url}`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
