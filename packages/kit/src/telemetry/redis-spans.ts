import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Redis } from 'ioredis';

/**
 * A CLIENT span for every command an ioredis client sends while a span is active (single commands, pipeline
 * members and Lua scripts all pass `sendCommand`). OpenTelemetry's ioredis instrumentation hooks `require`,
 * which an ESM `import` of ioredis never calls in Node 22, so the client is wrapped here instead.
 */
export function traceRedis(redis: Redis, tracer: Tracer, client: string): Redis {
  const send = redis.sendCommand;
  redis.sendCommand = function tracedSendCommand(this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    const parent = context.active();
    if (!trace.getSpan(parent)) return send.apply(this, args);
    const [command] = args;
    const name = command.name.toUpperCase();
    const span = tracer.startSpan(
      `redis ${name}`,
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis', 'db.operation.name': name, 'commerce.redis.client': client } },
      parent,
    );
    command.promise.then(
      () => span.end(),
      (error: Error) => {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        span.end();
      },
    );
    return send.apply(this, args);
  } as Redis['sendCommand'];
  return redis;
}
