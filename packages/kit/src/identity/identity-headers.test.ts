import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, signIdentity, verifyIdentity } from './identity-headers.js';
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
});
