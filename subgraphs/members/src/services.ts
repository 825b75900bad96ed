import { logTo, type OutboxRelay, type SubgraphRuntime } from '@commerce/kit';
import { PasswordHasher } from './account/password-hasher.js';
import type { MembersConfig } from './config.js';
import { LoginThrottle } from './session/login-throttle.js';
import { SessionLiveness } from './session/session-liveness.js';
import { createTokenSigner, type TokenSigner } from './session/token-signer.js';

export interface MembersServices {
  config: MembersConfig;
  hasher: PasswordHasher;
  signer: TokenSigner;
  liveness: SessionLiveness;
  throttle: LoginThrottle;
  /** Nudges the mail relay after a commit queued mail, so it goes out now rather than at the next poll. */
  outbox: { relay: OutboxRelay | null; wake(): void };
}

/** Built once per process (the kit's createServices hook); reach resolvers as `context.services`. */
export async function createMembersServices({ redis, config, logger }: SubgraphRuntime<MembersConfig>): Promise<MembersServices> {
  const outbox: MembersServices['outbox'] = {
    relay: null,
    wake() {
      this.relay?.wake();
    },
  };
  const liveness = new SessionLiveness(redis, {
    ttlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    channelPrefix: config.REDIS_KEY_PREFIX,
  });
  // Until the set is marked, gateways ask Redis about every session; the next ending marks it too.
  await liveness.markWhole().catch((error: unknown) => logger.warn({ err: error }, 'could not mark the ended-sessions set whole'));
  return {
    config,
    hasher: new PasswordHasher(config.PASSWORD_HASH_COST),
    signer: await createTokenSigner({
      privateKeyPem: config.JWT_PRIVATE_KEY,
      production: config.NODE_ENV === 'production',
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      warn: logTo(logger, 'warn'),
    }),
    liveness,
    throttle: new LoginThrottle(redis, {
      maxFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: config.LOGIN_LOCKOUT_WINDOW_SECONDS,
    }),
    outbox,
  };
}
