import { BREAK, type DocumentNode, type GraphQLError, visit } from 'graphql';
import { badUserInput } from '../errors/graphql-errors.js';

/**
 * PostgreSQL's text and jsonb cannot hold U+0000: a string with one fails in the driver ("invalid message format",
 * "unsupported Unicode escape sequence") and reached clients as INTERNAL_SERVER_ERROR, after whatever the resolver had
 * done before its first query. No such string is valid input anywhere, so an operation carrying one is refused before
 * it runs, as the client's mistake.
 */
export const NUL_CHARACTER_MESSAGE = 'Text may not contain the NUL character (U+0000).';

const NUL = '\u0000';

/** The refusal of an operation carrying U+0000 (over HTTP, the plugin adds its 400). */
export const nulCharacterError = (): GraphQLError => badUserInput(NUL_CHARACTER_MESSAGE);

/**
 * Whether a string of the operation holds U+0000: in its variables (at any depth) or a string literal of its document.
 * With the document's text (`source`), a text that holds neither U+0000 nor a `\u` escape has no such literal, and its
 * document is not walked: most requests' documents are not the objects an earlier request's verdict is kept for.
 */
export function operationHasNulCharacter(document: DocumentNode, variables: unknown, source?: string): boolean {
  if (valueHasNulCharacter(variables)) return true;
  if (source !== undefined && !source.includes(NUL) && !source.includes('\\u')) return false;
  return documentHasNulCharacter(document);
}

/**
 * Whether a JSON value holds U+0000 in a string or an object key, at any depth. Walked with a stack of its own, not by
 * recursion: variables are the client's, and a deep enough nesting would overflow the call stack.
 */
export function valueHasNulCharacter(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes(NUL)) return true;
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (typeof next === 'object' && next !== null) {
      for (const key of Object.keys(next)) {
        if (key.includes(NUL)) return true;
        pending.push((next as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** A document's verdict, kept while the document is: Apollo Server's document store hands the same one to every request of a text. */
const documentVerdicts = new WeakMap<DocumentNode, boolean>();

/**
 * Whether a string literal of the document (quoted or block, its value after escapes such as `\u0000` or `\u{0}`; in an
 * argument, a variable's default value, a list or an input object) holds U+0000.
 */
export function documentHasNulCharacter(document: DocumentNode): boolean {
  let verdict = documentVerdicts.get(document);
  if (verdict === undefined) {
    verdict = false;
    visit(document, {
      StringValue(node) {
        if (!node.value.includes(NUL)) return undefined;
        verdict = true;
        return BREAK;
      },
    });
    documentVerdicts.set(document, verdict);
  }
  return verdict;
}
