import { readdirSync, readFileSync } from 'node:fs';

/*
 * Processes as Linux's /proc shows them: a clustered server's workers are its primary's children, found by their
 * parent pid. A process can exit between the listing and the read of its files; it is then left out.
 */

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): state, ppid, … */
export function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone since the directory was listed
  }
}

/** Running processes (zombies, exited but not yet reaped, left out) by parent pid, their pids ascending. */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  const pids = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .sort((a, b) => a - b);
  for (const pid of pids) {
    const fields = statFields(pid);
    if (!fields || fields[0] === 'Z') continue;
    const parent = Number(fields[1]);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(pid);
  }
  return children;
}

/** The running children of `ppid`, ascending. */
export function childPids(ppid: number): number[] {
  return childrenByParent().get(ppid) ?? [];
}

/** A process and its running descendants. */
export function processTree(root: number): number[] {
  const children = childrenByParent();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** Whether the process runs (a zombie does not). */
export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== 'Z';
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) a process and its descendants have used so far, from /proc/<pid>/stat: a clustered
 * server's work is its workers'. A descendant that exited in between is not counted.
 */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    const fields = statFields(member);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS;
}

/** Resident set size in MB of a process and its descendants (a cluster's workers), from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  let kb = 0;
  for (const member of processTree(pid)) {
    try {
      // A zombie (exited, not yet reaped) has no VmRSS line: it holds no memory.
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${member}/status`, 'utf8'));
      if (match) kb += Number(match[1]);
    } catch {
      // gone since the tree was read
    }
  }
  return kb / 1024;
}

/** The soft and hard limits on open files of a process (this one by default), from /proc/<pid>/limits. */
export function openFileLimits(pid: number | 'self' = 'self'): { soft: number; hard: number } {
  const match = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const read = (value?: string) => (value === undefined || value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value));
  return { soft: read(match?.[1]), hard: read(match?.[2]) };
}
