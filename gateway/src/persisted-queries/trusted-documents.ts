import { readFileSync } from 'node:fs';
import { stripIgnoredCharacters } from 'graphql';

export type TrustedDocumentRefusal = { code: 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_TRUSTED'; message: string };

/** What a request asked for: its text, or a persisted query's id (APQ's `extensions.persistedQuery.sha256Hash`), or both. */
export interface DocumentRequest {
  query?: unknown;
  extensions?: unknown;
}

/** `extensions.persistedQuery.sha256Hash` when the request names a persisted query. */
export function persistedQueryId(extensions: unknown): string | undefined {
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/** Whitespace and comments do not make a different document. Unparsable text is not in any manifest. */
function canonicalText(query: string): string | undefined {
  try {
    return stripIgnoredCharacters(query);
  } catch {
    return undefined;
  }
}

/**
 * The operations a deployment's own clients send, from a manifest built with their code: Apollo's
 * persisted-query manifest (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, body,
 * name, type }] }`) or a plain `{ "<sha256>": "<body>" }` map. With it the gateway serves only these
 * operations: a request names one by id (APQ's hash field) or sends its exact text (formatting aside).
 */
export class TrustedDocuments {
  private readonly bodies = new Map<string, string>();
  private readonly texts = new Set<string>();
  private readonly canonicalTexts = new Set<string>();

  constructor(operations: { id: string; body: string }[]) {
    for (const { id, body } of operations) {
      this.bodies.set(id, body);
      this.texts.add(body);
      const canonical = canonicalText(body);
      if (canonical) this.canonicalTexts.add(canonical);
    }
  }

  static fromFile(path: string): TrustedDocuments {
    return new TrustedDocuments(parseManifest(JSON.parse(readFileSync(path, 'utf8')), path));
  }

  /** The text to execute, or why the request is refused. Requests with neither text nor id are left to the server. */
  resolve(request: DocumentRequest): string | TrustedDocumentRefusal | undefined {
    const id = persistedQueryId(request.extensions);
    if (id !== undefined) {
      const body = this.bodies.get(id);
      if (body !== undefined) return body;
      return { code: 'PERSISTED_QUERY_NOT_FOUND', message: `No trusted operation has the id ${id.slice(0, 80)}; this gateway serves only the operations of its manifest.` };
    }
    if (typeof request.query !== 'string' || request.query === '') return undefined;
    // The exact text is one lookup; a canonical form (a parse) only for text that is not byte for byte in the manifest.
    if (this.texts.has(request.query)) return request.query;
    const canonical = canonicalText(request.query);
    if (canonical && this.canonicalTexts.has(canonical)) return request.query;
    return { code: 'PERSISTED_QUERY_NOT_TRUSTED', message: 'This gateway serves only the operations of its trusted-documents manifest; send a trusted operation or its id.' };
  }
}

function parseManifest(manifest: unknown, path: string): { id: string; body: string }[] {
  const fail = (why: string): never => {
    throw new Error(`TRUSTED_DOCUMENTS ${path}: ${why}`);
  };
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) return fail('expected a JSON object');
  const record = manifest as Record<string, unknown>;
  if (record.format === 'apollo-persisted-query-manifest') {
    if (record.version !== 1) fail(`manifest version ${String(record.version)} is not supported (1 is)`);
    if (!Array.isArray(record.operations)) return fail('`operations` must be an array');
    return record.operations.map((operation, index) => {
      const { id, body } = (operation ?? {}) as { id?: unknown; body?: unknown };
      if (typeof id !== 'string' || typeof body !== 'string') return fail(`operations[${index}] needs a string id and body`);
      return { id, body };
    });
  }
  return Object.entries(record).map(([id, body]) => {
    if (typeof body !== 'string') return fail(`the value of ${id} must be the operation's text`);
    return { id, body };
  });
}
