import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../config.js';
import { TrustedDocuments } from './trusted-documents.js';

const BODY = 'query Categories { categories { slug } }';
const ID = createHash('sha256').update(BODY).digest('hex');
const write = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'trusted-')), 'manifest.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('TrustedDocuments', () => {
  it("reads Apollo's manifest and a plain id → body map alike", () => {
    const apollo = TrustedDocuments.fromFile(
      write({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: ID, body: BODY, name: 'Categories', type: 'query' }] }),
    );
    const plain = TrustedDocuments.fromFile(write({ [ID]: BODY }));
    for (const documents of [apollo, plain]) {
      expect(documents.resolve({ extensions: { persistedQuery: { version: 1, sha256Hash: ID } } })).toBe(BODY);
    }
  });

  it('serves trusted text however it is formatted, and refuses the rest with a code', () => {
    const documents = new TrustedDocuments([{ id: ID, body: BODY }]);
    expect(documents.resolve({ query: BODY })).toBe(BODY);
    const reformatted = 'query Categories {\n  categories {\n    slug\n  }\n}\n# a comment';
    expect(documents.resolve({ query: reformatted })).toBe(reformatted);
    expect(documents.resolve({ query: '{ categories { slug name } }' })).toMatchObject({ code: 'PERSISTED_QUERY_NOT_TRUSTED' });
    expect(documents.resolve({ query: '{ not graphql' })).toMatchObject({ code: 'PERSISTED_QUERY_NOT_TRUSTED' });
    expect(documents.resolve({ query: BODY, extensions: { persistedQuery: { sha256Hash: 'f'.repeat(64) } } })).toMatchObject({
      code: 'PERSISTED_QUERY_NOT_FOUND',
    });
    expect(documents.resolve({})).toBeUndefined();
  });

  it('refuses a manifest it cannot read', () => {
    expect(() => TrustedDocuments.fromFile(write({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }))).toThrow(/version/);
    expect(() => TrustedDocuments.fromFile(write({ [ID]: 42 }))).toThrow(/text/);
  });

  it('turns Sandbox off by default, and refuses it when asked for, in trusted-documents mode', () => {
    const path = write({ [ID]: BODY });
    expect(readGatewayConfig({ NODE_ENV: 'development', TRUSTED_DOCUMENTS: path }).LANDING_PAGE).toBe(false);
    expect(() => readGatewayConfig({ NODE_ENV: 'development', TRUSTED_DOCUMENTS: path, LANDING_PAGE: 'true' })).toThrow(/LANDING_PAGE/);
  });
});
