import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How many connections may wait to be accepted. Node's default (511) resets connections when thousands of
 * buyers arrive in the same second, as a time-sale's do; the kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 8_192;

/** Starts listening and resolves with the port actually bound (port 0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** What the signal handler writes to: the app's logger, or the console. */
export interface ShutdownLog {
  info(message: string): void;
  error(object: object, message: string): void;
}

const consoleLog: ShutdownLog = { info: (message) => console.log(message), error: (object, message) => console.error(message, object) };

/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits. A second signal exits at once,
 * so an operator is never stuck behind a hung shutdown. Returns a function that starts the same shutdown for
 * another reason (a cluster worker told to stop by its primary); once stopping, it does nothing.
 */
export function exitGracefullyOnSignals(shutdown: () => Promise<void>, log: ShutdownLog = consoleLog): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${reason}: finishing in-flight requests`);
    shutdown().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A second signal, not a signal after a stop begun otherwise: a cluster's workers get an operator's Ctrl-C (sent to
  // the whole process group) beside their primary's word to stop, and must not exit at once for it.
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    if (stopping) log.info(`${signal} received: already stopping`);
    else stop(`${signal} received`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return stop;
}
