import { booleanFlag, ConfigError, parseEnv, port, type SubgraphConfig, subgraphEnvShape, url } from '@commerce/kit';
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** The members subgraph's own settings, beside the ones every subgraph reads. */
export const membersEnvShape = {
  SMTP_URL: z.string().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().default('Commerce <no-reply@commerce.local>'),
  /** Links in mails point here (the web app's verify / reset pages). */
  PUBLIC_WEB_URL: url('http://localhost:3000'),
  /** First mail retry after this; doubles per attempt up to MAIL_RETRY_MAX_DELAY_MS. */
  MAIL_RETRY_BASE_DELAY_MS: z.coerce.number().int().min(10).default(5_000),
  MAIL_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(10).default(15 * 60_000),
  /** The admin account is created (or its role and password brought in line) at every start. */
  ADMIN_EMAIL: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  ADMIN_NAME: z.string().default('Administrator'),
  /** Ed25519 private key, PKCS8 PEM. Unset outside production: an ephemeral key is generated at start. */
  JWT_PRIVATE_KEY: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: seconds(900),
  REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  EMAIL_VERIFICATION_TTL_SECONDS: seconds(48 * 3600),
  PASSWORD_RESET_TTL_SECONDS: seconds(3600),
  /** Failed logins for one account within the window before it is locked for the rest of the window. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  /** Failed logins from one client address (any account) within the window before that address is locked. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  LOGIN_LOCKOUT_WINDOW_SECONDS: seconds(900),
  /** scrypt cost as log2(N), r=8, p=1: 17 is OWASP's recommendation (128 MiB per hash); tests lower it. */
  PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(17),
  /** Whether members must verify their email before checking out or claiming a time-sale. Default: on in production. */
  REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE: booleanFlag(undefined),
  /** Largest single point top-up, in KRW. */
  MAX_POINT_CHARGE: z.coerce.number().int().min(1).default(1_000_000),
};

type MembersEnv = z.infer<z.ZodObject<typeof membersEnvShape>>;

export type MembersSettings = Omit<MembersEnv, 'REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE'> & { REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE: boolean };
export type MembersConfig = SubgraphConfig & MembersSettings;

/** Settings that production must set itself: there are no fallback secrets. */
function checkProduction(config: MembersConfig): MembersConfig {
  if (config.NODE_ENV !== 'production') return config;
  const missing = (['JWT_PRIVATE_KEY', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'] as const).filter((name) => !config[name]);
  if (missing.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${missing.map((name) => `  ${name}: required in production`).join('\n')}`);
  }
  return config;
}

/**
 * Completes a config with the members defaults: tests and scripts pass only what they change.
 * Values given win; the rest are parsed from an empty environment, so defaults live in one place.
 */
export function membersConfig(given: SubgraphConfig & Partial<MembersSettings>): MembersConfig {
  const defaults = parseEnv(membersEnvShape, {});
  const merged = { ...defaults, ...given } as MembersConfig & { REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE?: boolean };
  merged.REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE ??= given.NODE_ENV === 'production';
  return checkProduction(merged);
}

export function readConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseEnv({ ...subgraphEnvShape, ...membersEnvShape, PORT: port(4001) }, env);
  return {
    ...membersConfig({ ...parsed, REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE: parsed.REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE ?? parsed.NODE_ENV === 'production' }),
    PORT: parsed.PORT,
    HOST: parsed.HOST,
  };
}
