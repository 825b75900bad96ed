import { context, trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../telemetry/observability-env.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The `service` field of every line (a subgraph's name, or "gateway"). */
  service: string;
  level?: LogLevel | undefined;
  /** Where lines go; standard output when absent (tests pass a stream to read them back). */
  destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line. Inside a traced request every line carries `trace_id` and
 * `span_id` of the active span, so a log line leads to its trace; without tracing nothing is added.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    mixin() {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A `(message) => void` for the workers that take one, writing at `level` on `logger`. */
export function logTo(logger: Logger, level: 'error' | 'warn' | 'info' = 'error') {
  return (message: string) => logger[level](message);
}
