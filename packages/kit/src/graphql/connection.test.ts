import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../ids/ids.js';
import { decodeCursor, encodeCursor, readPageArgs, requireUuid, toConnection } from './connection.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as GraphQLError).extensions.code;
  }
  return 'no error';
};

describe('cursors', () => {
  it('round-trip the key they carry', () => {
    const id = uuidv7();
    expect(decodeCursor(encodeCursor(id))).toBe(id);
  });

  it('refuse forged or corrupted cursors with BAD_USER_INPUT', () => {
    expect(codeOf(() => decodeCursor('bm9wZQ'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(Buffer.from("c:1' or '1'='1").toString('base64url')))).toBe('BAD_USER_INPUT');
  });
});

describe('readPageArgs', () => {
  it('defaults the page size and bounds it', () => {
    expect(readPageArgs({})).toEqual({ limit: 20, afterKey: null });
    expect(codeOf(() => readPageArgs({ first: 0 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => readPageArgs({ first: 101 }))).toBe('BAD_USER_INPUT');
  });
});

describe('toConnection', () => {
  it('uses the extra row only to tell that more follow', () => {
    const rows = [1, 2, 3].map(() => ({ id: uuidv7() }));
    const page = toConnection(rows, 2, (row) => row.id, false);
    expect(page.edges.map((edge) => edge.node)).toEqual(rows.slice(0, 2));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: encodeCursor(rows[1]!.id) });
    expect(toConnection(rows.slice(0, 2), 2, (row) => row.id, true).pageInfo.hasNextPage).toBe(false);
  });

  it('answers an empty page with null cursors', () => {
    expect(toConnection([], 5, String, false).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });
});

describe('requireUuid', () => {
  it('normalises case and refuses malformed ids', () => {
    expect(requireUuid('0190A000-0000-7000-8000-00000000000F')).toBe('0190a000-0000-7000-8000-00000000000f');
    expect(codeOf(() => requireUuid('42'))).toBe('BAD_USER_INPUT');
  });
});
