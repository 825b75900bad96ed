import cluster from 'node:cluster';
import { exitGracefullyOnSignals } from '@commerce/kit/http';
import { createLogger } from '@commerce/kit/logging';
import { joinGatewayCluster, runGatewayCluster } from './cluster/gateway-cluster.js';
import { readGatewayConfig } from './config.js';

const config = readGatewayConfig();
if (cluster.isPrimary && config.WORKERS > 1) {
  runGatewayCluster({
    workers: config.WORKERS,
    logger: createLogger({ service: 'gateway', level: config.LOG_LEVEL }),
    // A worker's own close is bounded by SHUTDOWN_GRACE_MS (the drain), then its subscriptions and Redis close.
    killAfterMs: config.SHUTDOWN_GRACE_MS + 10_000,
  });
} else {
  // Joined before the app's modules load (seconds): a worker told to stop while it starts hears it.
  const membership = cluster.isWorker ? joinGatewayCluster() : undefined;
  // Loaded here rather than imported above: a cluster's primary serves nothing and needs none of it.
  const { createGatewayApp } = await import('./app.js');
  // A worker's lines name it by pid, as the primary's lines about it do.
  const logger = membership ? createLogger({ service: 'gateway', level: config.LOG_LEVEL }).child({ worker: process.pid }) : undefined;
  const app = await createGatewayApp(config, { clusterWorker: Boolean(membership), ...(logger ? { logger } : {}) });
  const url = await app.listen(config.PORT, config.HOST);
  const stop = exitGracefullyOnSignals(() => app.close(), app.logger);
  if (membership) membership.ready({ url, ...(app.metricsUrl ? { metricsUrl: app.metricsUrl } : {}) }, stop);
  else app.logger.info({ url, metricsUrl: app.metricsUrl }, `gateway ready at ${url}`);
}
