import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** A service's real `src/main.ts`, running as its own process. */
export interface ServiceProcess {
  child: ChildProcess;
  /** The GraphQL URL it printed once it listened. */
  url: string;
  /** Everything it printed so far, standard output and error. */
  output(): string;
}

/**
 * Starts `src/main.ts` of the workspace at `cwd` (TypeScript through swc, as the start scripts run it) with `env` on
 * top of this process's environment, and resolves once it prints "… ready at <url>". Rejects with its output if it
 * exits first.
 *
 * NODE_ENV is 'development' unless `env` says otherwise, not the test runner's 'test': outside 'test' Apollo Server
 * installs signal handlers of its own unless told not to, and those once made every SIGTERM exit 1 before the app
 * closed. A process is tested as it is deployed.
 */
export function startServiceProcess(cwd: string, env: Record<string, string>, { processGroup = false } = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    cwd,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group (and its children's), which a signal can be sent to as a terminal's Ctrl-C is.
    detached: processGroup,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/ready at (http:\/\/[^\s"]+)/);
      if (match) resolve({ child, url: match[1]!, output: () => output });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

/** What a graceful stop is judged by (see sigtermWhileHeld). */
export interface HeldStop<Answer> {
  /** Whether /health still answered 300 ms after the signal (it must not: the port stops accepting). */
  healthAnsweredAfterSignal: boolean;
  /** Whether the process was still running then (it must be: the held request is not done). */
  runningAfterSignal: boolean;
  /** The held request's answer, once the lock was let go. */
  answer: Answer;
  exitCode: number | null;
}

/**
 * Holds `lockTable` in an open transaction, starts `request` (which needs the table), sends SIGTERM 300 ms later,
 * looks at the process 300 ms after that, then lets the lock go and waits for the answer and the exit. With
 * `toProcessGroup`, SIGINT goes to the process's whole group instead, as a terminal's Ctrl-C does (the process must
 * have been started with its own group: startServiceProcess's `processGroup`).
 */
export async function sigtermWhileHeld<Answer>(
  service: ServiceProcess,
  { databaseUrl, lockTable, request, toProcessGroup = false }: { databaseUrl: string; lockTable: string; request: () => Promise<Answer>; toProcessGroup?: boolean },
): Promise<HeldStop<Answer>> {
  const locker = new pg.Client({ connectionString: databaseUrl });
  await locker.connect();
  try {
    await locker.query('begin');
    await locker.query(`lock table ${lockTable} in access exclusive mode`);
    const answer = request();
    await sleep(300);
    const exited = once(service.child, 'exit');
    if (toProcessGroup) process.kill(-service.child.pid!, 'SIGINT');
    else service.child.kill('SIGTERM');
    await sleep(300);
    const healthAnsweredAfterSignal = await fetch(service.url.replace('/graphql', '/health')).then(
      () => true,
      () => false,
    );
    const runningAfterSignal = service.child.exitCode === null;
    await locker.query('commit');
    const [answered, [exitCode]] = await Promise.all([answer, exited]);
    return { healthAnsweredAfterSignal, runningAfterSignal, answer: answered, exitCode: exitCode as number | null };
  } finally {
    await locker.end();
  }
}
