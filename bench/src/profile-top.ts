/**
 * Prints the top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=1 with the
 * gateway scenario). Usage: node --import @swc-node/register/esm-register bench/src/profile-top.ts <file> [count]
 */
import { readFileSync } from 'node:fs';
import { printTable } from './lib/report.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const [file, count = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [count]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)!.callFrame;
  if (frame.functionName === '(idle)') return; // waiting, not work
  const where = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
  const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  const micros = profile.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + micros);
  total += micros;
});
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
printTable(`top self time of ${file} (${(total / 1e6).toFixed(1)} s busy)`, ['self %', 'self ms', 'function'], top.map(([key, micros]) => [(micros / total) * 100, micros / 1000, key]));
