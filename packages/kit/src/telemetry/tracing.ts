import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_SERVICE_NAME?: string | undefined;
}

/** One process's (one app's) tracing: its own provider, so apps sharing a test process keep their service names. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Exports what is still buffered. */
  flush(): Promise<void>;
  /** Exports what is still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** The traces URL the settings name, or undefined when tracing is off. */
export function tracesUrl(settings: TracingSettings): string | undefined {
  if (settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!settings.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

let contextManagerRegistered = false;

/**
 * Starts tracing when an OTLP endpoint is configured, else returns undefined: then no instrumentation is
 * registered at all and the request path does no tracing work. Spans are batched and posted as OTLP/HTTP JSON.
 * The provider is not made global: apps in one process each export under their own `service.name`; only the
 * context manager (AsyncLocalStorage, which carries the active span across awaits) is process-wide.
 */
export function createTracing(serviceName: string, settings: TracingSettings): Tracing | undefined {
  const url = tracesUrl(settings);
  if (!url) return undefined;
  if (!contextManagerRegistered) {
    // Returns false when another copy of the API registered one first; that one carries context just as well.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerRegistered = true;
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.OTEL_SERVICE_NAME ?? serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: 1_000 })],
  });
  return {
    tracer: provider.getTracer('@commerce/kit'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
