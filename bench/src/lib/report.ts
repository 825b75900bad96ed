import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoRoot = join(benchDir, '..');

/** The q-th percentile (0..1) of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const sortNumbers = (values: number[]) => Float64Array.from(values).sort();

export type Cell = string | number | null | undefined;

const show = (value: Cell) =>
  value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))
    ? 'n/a'
    : typeof value === 'number'
      ? Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)
      : value;

/** Prints rows as an aligned plain-text table (numbers right-aligned). */
export function printTable(title: string, columns: string[], rows: Cell[][]) {
  const text = rows.map((row) => row.map(show));
  const widths = columns.map((column, i) => Math.max(column.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[], raw?: Cell[]) =>
    cells.map((cell, i) => (typeof raw?.[i] === 'number' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  text.forEach((row, i) => console.log(line(row, rows[i])));
}

/** Writes bench/results/<scenario>-<timestamp>.json and returns its path. */
export async function writeResults(scenario: string, data: unknown): Promise<string> {
  const dir = join(benchDir, 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(data, null, 2));
  console.log(`\nresults: ${file}`);
  return file;
}

/** A duration or count from the environment (e.g. BENCH_DURATION_S), with a default. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: number[]): number {
  const sorted = sortNumbers(values);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "lowest-highest" of the values, with `digits` decimals (a cell showing how far the rounds of a run spread). */
export const rangeText = (values: number[], digits: number) => `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
