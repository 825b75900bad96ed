import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { documentHasNulCharacter, NUL_CHARACTER_MESSAGE, nulCharacterError, operationHasNulCharacter, valueHasNulCharacter } from './nul-character.js';

const CLEAN = parse('mutation ($input: ProfileInput!) { updateProfile(input: $input) { name } }');

describe('a NUL character (U+0000) in an operation', () => {
  it('is found in variables at any depth: a string, a nested input object, a list, an object key', () => {
    expect(operationHasNulCharacter(CLEAN, { email: 'a\u0000@example.com' })).toBe(true);
    expect(operationHasNulCharacter(CLEAN, { input: { address: { line1: 'Main St\u0000' } } })).toBe(true);
    expect(operationHasNulCharacter(CLEAN, { input: { lines: [{ tags: ['ok', 'not\u0000ok'] }] } })).toBe(true);
    expect(operationHasNulCharacter(CLEAN, { input: { metadata: { 'key\u0000': 'value' } } })).toBe(true);
    expect(valueHasNulCharacter('\u0000')).toBe(true);
  });

  it('is found in variables nested deeper than the call stack would allow a recursive walk', () => {
    let deep: unknown = 'bottom\u0000';
    for (let level = 0; level < 200_000; level++) deep = [deep];
    expect(valueHasNulCharacter({ deep })).toBe(true);
  });

  it('is found in an inline string literal: escaped, raw, in a block string, in a list, an input object or a default value', () => {
    const documents = [
      'mutation { updateProfile(input: { name: "Al\\u0000ice" }) { name } }',
      'mutation { updateProfile(input: { name: "Al\\u{0}ice" }) { name } }',
      'mutation { updateProfile(input: { name: "Al\u0000ice" }) { name } }',
      'mutation { updateProfile(input: { name: """Al\u0000ice""" }) { name } }',
      '{ stores(search: ["a", "b\\u0000"]) { id } }',
      'query ($search: String = "b\\u0000") { stores(search: $search) { id } }',
      'query { ...Stores } fragment Stores on Query { stores(search: "\\u0000") { id } }',
    ];
    for (const text of documents) {
      expect(operationHasNulCharacter(parse(text), {}), text).toBe(true);
      // With its text, as the plugins pass it: the text's quick look finds each one too.
      expect(operationHasNulCharacter(parse(text), {}, text), text).toBe(true);
    }
  });

  it('does not walk a document whose text holds neither U+0000 nor a \\u escape', () => {
    const text = 'mutation Claim($saleId: ID!, $key: String!) { claimTimeSale(saleId: $saleId, quantity: 1, idempotencyKey: $key) { __typename } }';
    // A document that would be found (a stand-in for any parse of another text): the text alone settles it.
    const other = parse('{ stores(search: "\\u0000") { id } }');
    expect(operationHasNulCharacter(other, { saleId: 'x', key: 'y' }, text)).toBe(false);
    expect(operationHasNulCharacter(other, { saleId: 'x', key: 'y\u0000' }, text)).toBe(true);
  });

  it('is not found in a clean operation: other escapes and control characters, numbers, booleans, null', () => {
    const document = parse('query ($n: Int = 0) { stores(search: "tab\\there \\u0001 \\\\u0000 not an escape", first: 10) { id } }');
    expect(documentHasNulCharacter(document)).toBe(false);
    expect(operationHasNulCharacter(document, { n: 0, flag: false, missing: null, list: [1, 'x', { y: '\\u0000' }] })).toBe(false);
    expect(operationHasNulCharacter(CLEAN, undefined)).toBe(false);
    // The verdict is remembered per document, and stays the same.
    expect(documentHasNulCharacter(document)).toBe(false);
  });

  it('is refused as the caller’s mistake, with a message that says why', () => {
    const error = nulCharacterError();
    expect(error.message).toBe(NUL_CHARACTER_MESSAGE);
    expect(error.message).toBe('Text may not contain the NUL character (U+0000).');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
