import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, schemaFiles } from '../src/compose-supergraph.js';

const schemaDir = join(import.meta.dirname, '..');

describe('committed schema', () => {
  it('matches a fresh composition of the subgraphs (run `npm run schema:compose` after changing a schema)', async () => {
    const files = schemaFiles(await composeSupergraph());
    for (const [name, expected] of Object.entries(files)) {
      const committed = await readFile(join(schemaDir, name), 'utf8').catch(() => '(missing)');
      expect(committed, `schema/${name} is stale`).toBe(expected);
    }
  });
});
