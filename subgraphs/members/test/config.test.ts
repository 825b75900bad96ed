import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { createTokenSigner } from '../src/session/token-signer.js';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('members configuration', () => {
  it('has development defaults: verification not required, no admin, ephemeral signing key', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ SMTP_URL: 'smtp://127.0.0.1:1025', ACCESS_TOKEN_TTL_SECONDS: 900, REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE: false });
  });

  it('in production requires the signing key and the admin account, naming each variable', () => {
    const production = { NODE_ENV: 'production', GATEWAY_SHARED_SECRET: 'a-production-secret-of-32-characters-at-least' };
    expect(() => readConfig(production)).toThrow(/JWT_PRIVATE_KEY[\s\S]*ADMIN_EMAIL[\s\S]*ADMIN_PASSWORD/);
    const config = readConfig({ ...production, JWT_PRIVATE_KEY: pem(), ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'long-admin-password' });
    expect(config.REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE).toBe(true);
    expect(readConfig({ ...production, JWT_PRIVATE_KEY: pem(), ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'x', REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE: 'false' }).REQUIRE_VERIFIED_EMAIL_FOR_PURCHASE).toBe(false);
  });
});

describe('token signer', () => {
  it('publishes a stable kid for a configured key and refuses keys that are not Ed25519', async () => {
    const key = pem();
    const a = await createTokenSigner({ privateKeyPem: key, production: true, accessTokenTtlSeconds: 60 });
    const b = await createTokenSigner({ privateKeyPem: key, production: true, accessTokenTtlSeconds: 60 });
    expect(a.jwks().keys[0]!.kid).toBe(b.jwks().keys[0]!.kid);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(createTokenSigner({ privateKeyPem: rsa, production: true, accessTokenTtlSeconds: 60 })).rejects.toThrow(/JWT_PRIVATE_KEY/);
    await expect(createTokenSigner({ privateKeyPem: undefined, production: true, accessTokenTtlSeconds: 60 })).rejects.toThrow(/JWT_PRIVATE_KEY/);
  });

  it('generates an ephemeral key outside production, with a warning', async () => {
    const warnings: string[] = [];
    await createTokenSigner({ privateKeyPem: undefined, production: false, accessTokenTtlSeconds: 60, warn: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/JWT_PRIVATE_KEY/);
  });
});
