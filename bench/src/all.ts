/**
 * `npm run bench`: every scenario, one after another, each in its own process with its default (or env) settings.
 * Bounded: with the defaults the whole run takes about 6-8 minutes on the 2-core machines.
 */
import { join } from 'node:path';
import { spawnTs } from './lib/processes.js';
import { benchDir } from './lib/report.js';

const scenarios = (process.env.BENCH_SCENARIOS ?? 'gateway,nplus1,fanout,time-sale').split(',');
const failed: string[] = [];
for (const scenario of scenarios) {
  console.log(`\n=== ${scenario} ===`);
  const child = spawnTs(join(benchDir, 'src/scenarios', `${scenario}.ts`));
  child.stdout!.pipe(process.stdout);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) failed.push(`${scenario} (exit ${code})`);
}
console.log(failed.length ? `\nfailed: ${failed.join(', ')}` : '\nall scenarios finished');
process.exitCode = failed.length ? 1 : 0;
