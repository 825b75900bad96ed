import { z } from 'zod';

/**
 * `SUBGRAPH_TIMEOUTS=inventory=500,orders=2000`: per-subgraph budgets in ms that replace SUBGRAPH_TIMEOUT_MS for
 * those subgraphs. Refuses unknown names, so a typo does not silently leave the default in place.
 */
export function subgraphTimeouts(names: readonly string[]) {
  return z
    .string()
    .default('')
    .transform((value, ctx) => {
      const timeouts: Record<string, number> = {};
      for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
        const match = /^([a-z]+)\s*=\s*(\d+)$/.exec(entry);
        if (!match || !names.includes(match[1]!) || Number(match[2]) < 50) {
          ctx.addIssue({ code: 'custom', message: `"${entry}": expected <subgraph>=<ms> (ms ≥ 50), subgraph one of ${names.join(', ')}` });
          return z.NEVER;
        }
        timeouts[match[1]!] = Number(match[2]);
      }
      return timeouts;
    });
}

/** The circuit breaker and retry settings, shared by every subgraph. */
export const subgraphResilienceShape = {
  /** Extra attempts for a read after a refused or reset connection or a 502/503/504, within the timeout. */
  SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Failures in a row that open a subgraph's circuit (0 turns the breaker off). */
  SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(0).default(5),
  /** …or this share of failed calls in the window, once it holds SUBGRAPH_BREAKER_MIN_CALLS calls. */
  SUBGRAPH_BREAKER_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
  SUBGRAPH_BREAKER_MIN_CALLS: z.coerce.number().int().min(1).default(20),
  SUBGRAPH_BREAKER_WINDOW_MS: z.coerce.number().int().min(100).default(10_000),
  /** How long an open circuit fails fast before one probe call may try the subgraph again. */
  SUBGRAPH_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(50).default(5_000),
};
