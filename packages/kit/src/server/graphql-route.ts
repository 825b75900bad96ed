import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * An HTTP server that hands `/graphql` to a handler set later and everything else to `app` (Express, for health,
 * readiness, metrics and a service's own routes). Later, because the GraphQL handler needs a started Apollo Server,
 * and Apollo Server's drain plugin needs this server first.
 */
export function serverWithGraphQLRoute(app: RequestListener): { httpServer: Server; serveGraphQL(handler: RequestListener): void } {
  let graphql: RequestListener | undefined;
  const httpServer = createServer((req, res) => {
    const url = req.url ?? '';
    if (graphql && (url === '/graphql' || url.startsWith('/graphql?'))) graphql(req, res);
    else app(req, res);
  });
  return {
    httpServer,
    serveGraphQL(handler) {
      graphql = handler;
    },
  };
}
