import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Settings the gateway and every subgraph read for logs, traces and metrics. Only zod here, so config parsing
 * does not load the tracing SDK.
 */
export const observabilityEnvShape = {
  /** Lowest level written: per-request lines are `debug`; startup, shutdown, slow and failed work `info` and up. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Operations slower than this are logged at warn. */
  SLOW_OPERATION_MS: z.coerce.number().int().min(1).default(1_000),
  /** Serve GET /metrics only on this port (keep it for operators); unset, it is served on the main port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Base URL of an OTLP/HTTP receiver (a collector, Tempo, Jaeger); traces go to `<it>/v1/traces`. Unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** The full traces URL, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** `service.name` on every span; defaults to the process's own name (gateway, members, …). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
};

export type ObservabilitySettings = Partial<z.infer<z.ZodObject<typeof observabilityEnvShape>>>;
