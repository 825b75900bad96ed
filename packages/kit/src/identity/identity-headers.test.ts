import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, IdentitySigner, IdentityVerifier, signIdentity, verifyIdentity } from './identity-headers.js';
import { memberViewer, serviceViewer } from './viewer.js';

const secret = 'a-secret-of-at-least-thirty-two-characters';
const headersOf = (record: Record<string, string>) => ({ get: (name: string) => record[name] ?? null });
const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'no error';
  } catch (error) {
    return (error as GraphQLError).extensions.code;
  }
};

describe('signed identity headers', () => {
  const alice = memberViewer('0190a000-0000-7000-8000-000000000001', ['CUSTOMER', 'SELLER'], 'session-1');

  it('carry the viewer from gateway to subgraph', () => {
    expect(verifyIdentity(headersOf(signIdentity(alice, secret)), secret)).toEqual(alice);
    expect(verifyIdentity(headersOf(signIdentity(serviceViewer('orders'), secret)), secret)).toEqual(serviceViewer('orders'));
  });

  it('mean an anonymous caller when absent', () => {
    expect(verifyIdentity(headersOf({}), secret)).toBeNull();
  });

  it('are refused when forged, tampered with, signed with another secret, incomplete or stale', () => {
    const signed = signIdentity(alice, secret);
    const admin = Buffer.from(JSON.stringify({ sub: alice.memberId, roles: ['ADMIN'], sid: null, svc: null, iat: Date.now() })).toString('base64url');
    expect(codeOf(() => verifyIdentity(headersOf({ ...signed, [IDENTITY_HEADER]: admin }), secret))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => verifyIdentity(headersOf(signIdentity(alice, 'another-secret-of-thirty-two-characters')), secret))).toBe(
      'UNAUTHENTICATED',
    );
    expect(codeOf(() => verifyIdentity(headersOf({ [IDENTITY_HEADER]: signed[IDENTITY_HEADER]! }), secret))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => verifyIdentity(headersOf({ [IDENTITY_SIGNATURE_HEADER]: 'x' }), secret))).toBe('UNAUTHENTICATED');
    const old = signIdentity(alice, secret, Date.now() - 5 * 60_000);
    expect(codeOf(() => verifyIdentity(headersOf(old), secret))).toBe('UNAUTHENTICATED');
  });

  it('are signed once per viewer for a few seconds by IdentitySigner, and verified once by IdentityVerifier', () => {
    const signer = new IdentitySigner(secret, 5_000);
    const bob = memberViewer('0190a000-0000-7000-8000-000000000002', ['CUSTOMER'], 'session-2');
    const t0 = Date.now();
    const first = signer.sign(alice, t0);
    expect(signer.sign({ ...alice, roles: [...alice.roles] }, t0 + 4_000)).toBe(first);
    expect(signer.sign(bob, t0 + 1)).not.toEqual(first);
    expect(signer.sign(alice, t0 + 5_000)).not.toEqual(first);

    const verifier = new IdentityVerifier(secret);
    expect(verifier.verify(headersOf(first), t0)).toEqual(alice);
    expect(verifier.verify(headersOf(first), t0 + 10_000)).toEqual(alice);
    // A remembered identity with another signature is verified in full, and refused.
    const forged = { ...first, [IDENTITY_SIGNATURE_HEADER]: signIdentity(alice, 'another-secret-of-thirty-two-characters', t0)[IDENTITY_SIGNATURE_HEADER]! };
    expect(codeOf(() => verifier.verify(headersOf(forged), t0))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => verifier.verify(headersOf({ [IDENTITY_HEADER]: first[IDENTITY_HEADER]! }), t0))).toBe('UNAUTHENTICATED');
    // Its age is checked on every use.
    expect(codeOf(() => verifier.verify(headersOf(first), t0 + 61_000))).toBe('UNAUTHENTICATED');
    expect(verifier.verify(headersOf({}), t0)).toBeNull();
  });
});
