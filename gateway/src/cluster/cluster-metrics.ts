import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/*
 * A scrape of a cluster, over the workers' IPC channels. Whichever worker the scrape reaches asks the primary
 * (ASK); the primary collects every serving worker's registry (COLLECT, COLLECTED), adds its own, sums them with
 * prom-client's aggregation and answers the asking worker (ANSWER).
 */
const ASK = 'gateway:metrics-ask';
const COLLECT = 'gateway:metrics-collect';
const COLLECTED = 'gateway:metrics-collected';
const ANSWER = 'gateway:metrics-answer';

interface MetricsMessage {
  type: string;
  id: number;
  metrics?: MetricsJson;
  text?: string;
  error?: string;
}

/** The `type` of a message on a worker's channel: ours are objects with one; anything else has none. */
export const messageType = (message: unknown): unknown =>
  typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;

const isMetricsMessage = (message: unknown): message is MetricsMessage =>
  typeof messageType(message) === 'string' && typeof (message as MetricsMessage).id === 'number';

/** The primary waits this long for every worker; the asking worker a little longer, so the primary's error is the one told. */
const COLLECT_TIMEOUT_MS = 5_000;
const ASK_TIMEOUT_MS = COLLECT_TIMEOUT_MS + 1_000;

/** The series that only grow: a worker that exits leaves their last values behind (see ClusterMetrics.retire). */
const GROWING = new Set(['counter', 'histogram']);

/**
 * Node's per-process gauges that a sum or prom-client's average over the processes misreads, taken from the worst
 * process instead (a worker, or the primary). A request waits on its own worker's event loop: averaged, one saturated
 * worker's lag hides behind an idle one's. Open file descriptors run out per process, against a per-process limit: summed, the count nears no limit and
 * the limit grows with the workers.
 */
const WORST_PROCESS = new Set([
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'process_open_fds',
  'process_max_fds',
]);

/** The cluster's series from each process's own: summed, unless a series' aggregator (or WORST_PROCESS) says otherwise. */
export function aggregateWorkers(processes: MetricsJson[]): Registry {
  const adjusted = processes.map((metrics) => metrics.map((metric) => (WORST_PROCESS.has(metric.name) ? { ...metric, aggregator: 'max' as const } : metric)));
  return AggregatorRegistry.aggregate(adjusted);
}

/** The primary's side: collects the serving workers' metrics for whichever worker a scrape reached. */
export class ClusterMetrics {
  private nextId = 0;
  private readonly collecting = new Map<number, { waiting: Set<Worker>; collected: Map<Worker, MetricsJson>; finish(error?: Error): void }>();
  /** Each serving worker's series as last collected. */
  private readonly lastCollected = new Map<Worker, MetricsJson>();
  /** The counters and histograms of workers that exited, as last collected: summed in, so no total ever goes down. */
  private retired: MetricsJson[] = [];

  constructor(
    /** The primary's own series: its workers, their restarts, and its process's (Node's default metrics). */
    private readonly registry: Registry,
    /** The workers serving now: the ones whose registries exist to be collected. */
    private readonly serving: () => Worker[],
  ) {
    cluster.on('exit', (worker) => {
      this.retire(worker);
      // A worker that exits mid-scrape is not waited for.
      for (const scrape of this.collecting.values()) if (scrape.waiting.delete(worker) && scrape.waiting.size === 0) scrape.finish();
    });
  }

  /** Handles a worker's message about metrics; false for any other message. */
  onMessage(worker: Worker, message: unknown): boolean {
    if (!isMetricsMessage(message)) return false;
    if (message.type === ASK) {
      this.text().then(
        (text) => sendQuietly(worker, { type: ANSWER, id: message.id, text }),
        (error: Error) => sendQuietly(worker, { type: ANSWER, id: message.id, error: error.message }),
      );
      return true;
    }
    if (message.type === COLLECTED) {
      const scrape = this.collecting.get(message.id);
      if (!scrape || !scrape.waiting.delete(worker)) return true;
      if (message.error !== undefined) scrape.finish(new Error(`a worker's metrics could not be read: ${message.error}`));
      else {
        this.lastCollected.set(worker, message.metrics ?? []);
        scrape.collected.set(worker, message.metrics ?? []);
        if (scrape.waiting.size === 0) scrape.finish();
      }
      return true;
    }
    return false;
  }

  /** Every serving worker's series summed (gauges too: connections, subscriptions; see aggregateWorkers), with the primary's own. */
  async text(): Promise<string> {
    const id = this.nextId++;
    const workers = this.serving();
    const collected = await new Promise<MetricsJson[]>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`not every worker answered within ${COLLECT_TIMEOUT_MS} ms`)), COLLECT_TIMEOUT_MS);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.collecting.delete(id);
        if (error) reject(error);
        // A worker that exited after it answered is summed in once, among the retired.
        else resolve([...scrape.collected].filter(([worker]) => this.lastCollected.has(worker)).map(([, metrics]) => metrics));
      };
      const scrape = { waiting: new Set(workers), collected: new Map<Worker, MetricsJson>(), finish };
      this.collecting.set(id, scrape);
      if (workers.length === 0) finish();
      for (const worker of workers) sendQuietly(worker, { type: COLLECT, id });
    });
    collected.push(await this.registry.getMetricsAsJSON(), ...this.retired);
    return aggregateWorkers(collected).metrics();
  }

  /**
   * Keeps an exited worker's counters and histograms as a scrape last saw them. Without them a worker's exit would
   * take its counts out of every total, which Prometheus reads as a reset and then counts the survivors' whole
   * totals again as new. What it counted after that scrape is lost with it (no scrape saw it either).
   */
  private retire(worker: Worker): void {
    const last = this.lastCollected.get(worker);
    this.lastCollected.delete(worker);
    if (!last) return;
    const growing = last.filter((metric) => GROWING.has(String(metric.type)) && (metric.aggregator ?? 'sum') === 'sum');
    const retired = [...this.retired, growing];
    this.retired = retired;
    // Folded into one set, so a cluster that replaced many workers keeps one set of retired series, not one per
    // worker; unless another worker retired meanwhile, whose own fold then takes this one's in.
    void AggregatorRegistry.aggregate(retired)
      .getMetricsAsJSON()
      .then((folded) => {
        if (this.retired === retired) this.retired = [folded];
      });
  }
}

/**
 * A worker's side: answers the primary's collection with `registry`, and returns what its /metrics serves, the whole
 * cluster's metrics as the primary sums them.
 */
export function workerMetricsText(registry: Registry): () => Promise<string> {
  let nextId = 0;
  const asked = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  process.on('message', (message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === COLLECT) {
      registry.getMetricsAsJSON().then(
        (metrics) => tellPrimary({ type: COLLECTED, id: message.id, metrics }),
        (error: Error) => tellPrimary({ type: COLLECTED, id: message.id, error: error.message }),
      );
    } else if (message.type === ANSWER) {
      const ask = asked.get(message.id);
      asked.delete(message.id);
      if (message.error !== undefined) ask?.reject(new Error(`the cluster's metrics could not be collected: ${message.error}`));
      else ask?.resolve(message.text ?? '');
    }
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        asked.delete(id);
        reject(new Error(`the primary did not answer within ${ASK_TIMEOUT_MS} ms`));
      }, ASK_TIMEOUT_MS);
      const settle = { resolve: (text: string) => (clearTimeout(timer), resolve(text)), reject: (error: Error) => (clearTimeout(timer), reject(error)) };
      asked.set(id, settle);
      if (!process.send) return settle.reject(new Error('not a cluster worker'));
      process.send({ type: ASK, id }, undefined, undefined, (error: Error | null) => {
        if (!error) return;
        asked.delete(id);
        settle.reject(error); // the channel to the primary closed: the worker is on its way out
      });
    });
}

/** A worker's message to its primary; a closed channel is let go (node:cluster exits a worker whose primary is gone). */
export function tellPrimary(message: object): void {
  process.send?.(message, undefined, undefined, () => {});
}

/** Sends on a worker's channel, ignoring a channel that closed: that worker's exit is handled where it is seen. */
export function sendQuietly(worker: Worker, message: object): void {
  if (!worker.isConnected()) return;
  worker.send(message, undefined, undefined, () => {});
}
