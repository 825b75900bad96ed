import { z } from 'zod';
import { observabilityEnvShape } from '../telemetry/observability-env.js';

/** Thrown when the environment does not describe a runnable process; the message names each bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses and validates environment variables once, at start.
 * Every problem is reported with the variable's name, so a misconfigured process fails fast and says why.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

/**
 * An environment flag: "true"/"1"/"yes" or "false"/"0"/"no". With an `undefined` fallback an unset flag
 * stays undefined, so the caller can derive the default from other settings (e.g. on in development).
 */
export const booleanFlag = <Fallback extends boolean | undefined>(fallback: Fallback) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((value): boolean | Fallback =>
      value === undefined || value === '' ? fallback : ['true', '1', 'yes'].includes(value),
    );

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const url = (fallback: string) => z.url().default(fallback);

export const nodeEnv = z.enum(['development', 'production', 'test']).default('development');

export type NodeEnv = z.infer<typeof nodeEnv>;

/** Only for development and tests; a production process refuses to start with it. */
export const DEVELOPMENT_GATEWAY_SECRET = 'development-only-gateway-secret-not-for-production';

/** Fails fast when a production process would run with a development secret. */
export function refuseDevelopmentSecrets(config: { NODE_ENV: string; GATEWAY_SHARED_SECRET?: string }) {
  if (config.NODE_ENV === 'production' && config.GATEWAY_SHARED_SECRET === DEVELOPMENT_GATEWAY_SECRET) {
    throw new ConfigError('Invalid configuration:\n  GATEWAY_SHARED_SECRET: set a secret of your own in production.');
  }
  return config;
}

/** Settings every subgraph process shares. */
export const subgraphEnvShape = {
  NODE_ENV: nodeEnv,
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: url('postgres://postgres@127.0.0.1:5432/commerce'),
  REDIS_URL: url('redis://127.0.0.1:6379/0'),
  /** Prefix for every Redis key this deployment writes, so several deployments can share one Redis. */
  REDIS_KEY_PREFIX: z.string().default('commerce:'),
  DB_POOL_MAX: z.coerce.number().int().min(1).default(10),
  /**
   * PostgreSQL ends a session left idle inside a transaction this long (0: never), releasing its locks. A replica that
   * froze or lost its network mid-transaction would otherwise hold its row locks (a sale's row, say) until TCP noticed,
   * which by the kernel's defaults is over two hours. Every transaction here is a few statements apart at most, and
   * the outbox relay writes after each message it delivers, so a live process never goes near it.
   */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
  /** Loads demo data into an empty database at start. */
  SEED_DEMO: booleanFlag(false),
  /**
   * Shared with the gateway: it signs the identity it forwards, so subgraphs trust no identity a client
   * could send itself. The development default is refused in production (see `refuseDevelopmentSecrets`).
   */
  GATEWAY_SHARED_SECRET: z.string().min(32).default(DEVELOPMENT_GATEWAY_SECRET),
  /**
   * Serves the gateway's batched calls of operations already validated without Apollo Server's request pipeline
   * (the same execution, plugins' hooks and error shaping; see DirectExecution). Off: every call takes Apollo's path.
   */
  DIRECT_EXECUTION: booleanFlag(true),
  /** Field-level traces for Apollo Studio when a gateway asks for them (costs time on every request). */
  INLINE_TRACE: booleanFlag(false),
  /** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  ...observabilityEnvShape,
};
