import cluster, { type Worker } from 'node:cluster';
import { exitGracefullyOnSignals } from '@commerce/kit/http';
import type { Logger } from '@commerce/kit/logging';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ClusterMetrics, messageType, sendQuietly, tellPrimary } from './cluster-metrics.js';

/** What a worker tells the primary once it hears the word to stop, and once its app listens. */
const JOINED = 'gateway:joined';
const READY = 'gateway:ready';
/** What the primary tells a worker to begin its graceful stop. */
const STOP = 'gateway:stop';

interface ReadyMessage {
  type: typeof READY;
  url: string;
  metricsUrl?: string;
}

const isReady = (message: unknown): message is ReadyMessage => messageType(message) === READY && typeof (message as ReadyMessage).url === 'string';

export interface GatewayClusterOptions {
  workers: number;
  logger: Logger;
  /** A worker still running this long after it was told to stop is killed (its own grace, SHUTDOWN_GRACE_MS, and some). */
  killAfterMs: number;
}

/** A worker not serving this long after it was started is killed: before the gateway is ready that fails the start. */
const START_TIMEOUT_MS = 120_000;
/** A worker that exits again within this long of the last exits waits longer before it is replaced. */
const CRASH_WINDOW_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The primary of a gateway run as WORKERS processes on one port (node:cluster; the primary hands each new connection
 * to the next worker). One Node thread bounds how many requests a gateway serves (a time-sale burst is all small
 * requests); the workers are whole gateways, each with its own caches, plans and Redis subscriptions, so nothing is
 * shared but the port. The primary serves nothing itself: it starts the workers, replaces one that exits, sums their
 * metrics for /metrics (ClusterMetrics), and on SIGTERM or SIGINT tells each to stop gracefully, then exits.
 *
 * It logs "gateway ready at <url>" once every worker listens; a worker that exits before then fails the start.
 */
export function runGatewayCluster({ workers, logger, killAfterMs }: GatewayClusterOptions): void {
  /** Workers that hear the word to stop (joinGatewayCluster), and those whose app listens. */
  const joined = new WeakSet<Worker>();
  const serving = new Set<Worker>();
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  // Aggregated with the workers' own (see aggregateWorkers): the gateway's CPU and memory count the primary's, which
  // accepts every connection.
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'gateway_workers',
    help: 'Gateway worker processes serving requests.',
    registers: [registry],
    collect() {
      this.set(serving.size);
    },
  });
  const restarts = new Counter({ name: 'gateway_worker_restarts_total', help: 'Gateway workers started to replace one that exited unexpectedly.', registers: [registry] });
  const metrics = new ClusterMetrics(registry, () => [...serving]);
  let started = false;
  let stopping: Promise<void> | undefined;
  const recentExits: number[] = [];

  const fork = () => {
    const worker = cluster.fork();
    // A worker stuck starting (a hung connection at start) would otherwise leave the start, or its place, waiting for good.
    const startTimer = setTimeout(() => {
      if (stopping || serving.has(worker) || worker.isDead()) return;
      logger.error({ worker: worker.process.pid, afterMs: START_TIMEOUT_MS }, 'a gateway worker did not start in time; killing it');
      worker.process.kill('SIGKILL');
    }, START_TIMEOUT_MS);
    worker.once('exit', () => clearTimeout(startTimer));
    worker.on('message', (message: unknown) => {
      if (metrics.onMessage(worker, message)) return;
      if (messageType(message) === JOINED) joined.add(worker);
      if (!isReady(message) || stopping) return;
      clearTimeout(startTimer);
      serving.add(worker);
      if (started) logger.info({ worker: worker.process.pid }, 'gateway worker ready');
      else if (serving.size === workers) {
        started = true;
        logger.info({ url: message.url, metricsUrl: message.metricsUrl, workers }, `gateway ready at ${message.url}`);
      }
    });
  };

  const stopWorkers = (): Promise<void> =>
    (stopping ??= new Promise<void>((resolve, reject) => {
      const running = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
      if (running.length === 0) return resolve();
      let failed = 0;
      let left = running.length;
      const killer = setTimeout(() => {
        for (const worker of running) if (!worker.isDead()) worker.process.kill('SIGKILL');
      }, killAfterMs);
      for (const worker of running) {
        // One still starting exits at once (told, or signalled before it handles signals): it had nothing in flight,
        // so however it exits is no failure to stop.
        const starting = !serving.has(worker);
        worker.once('exit', (code) => {
          if (code !== 0 && !starting) failed++;
          if (--left > 0) return;
          clearTimeout(killer);
          if (failed) reject(new Error(`${failed} of ${running.length} workers did not stop cleanly`));
          else resolve();
        });
        // One still loading its first modules has no ear for the word yet, nor a handler for the signal, which ends it.
        if (joined.has(worker) && worker.isConnected()) sendQuietly(worker, { type: STOP });
        else worker.process.kill('SIGTERM');
      }
    }));

  cluster.on('exit', (worker, code, signal) => {
    serving.delete(worker);
    if (stopping) return;
    if (!started) {
      logger.error({ worker: worker.process.pid, code, signal }, 'a gateway worker exited before the gateway was ready');
      stopWorkers().finally(() => process.exit(1));
      return;
    }
    const now = Date.now();
    while (recentExits.length && recentExits[0]! < now - CRASH_WINDOW_MS) recentExits.shift();
    recentExits.push(now);
    // One exit is replaced at once; a worker that keeps exiting (a bad host, a poisoned request) is replaced ever more slowly.
    const delay = Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** (recentExits.length - 1) - 250);
    logger.error({ worker: worker.process.pid, code, signal, restartInMs: delay }, 'a gateway worker exited; starting another');
    setTimeout(() => {
      if (stopping) return;
      restarts.inc();
      fork();
    }, delay);
  });

  // Heard before the first fork: a signal that finds a worker forked must find the primary listening for it too, or
  // it ends the primary alone and leaves the workers starting.
  exitGracefullyOnSignals(stopWorkers, logger);
  for (let i = 0; i < workers; i++) fork();
}

/**
 * A worker's side, joined before its app starts: told to stop while still starting, it exits at once, having nothing
 * in flight; once `ready` says it serves, the word starts `stop`, the same graceful stop as a signal's. (Should the
 * primary die, node:cluster exits its workers at once: nothing is left serving a port no one hands connections to.)
 */
export function joinGatewayCluster(): { ready(at: { url: string; metricsUrl?: string }, stop: (reason: string) => void): void } {
  let stopServing: ((reason: string) => void) | undefined;
  const leave = (reason: string) => (stopServing ? stopServing(reason) : process.exit(0));
  process.on('message', (message: unknown) => {
    if (messageType(message) === STOP) leave('told to stop by the primary');
  });
  tellPrimary({ type: JOINED });
  return {
    ready(at, stop) {
      stopServing = stop;
      tellPrimary({ type: READY, ...at } satisfies ReadyMessage);
    },
  };
}
