import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompositionError, composeSupergraph, schemaFiles } from './src/compose-supergraph.js';

/** `npm run schema:compose`: writes every subgraph's SDL and the composed supergraph into schema/. */
const here = dirname(fileURLToPath(import.meta.url));
try {
  const composed = await composeSupergraph();
  for (const [name, content] of Object.entries(schemaFiles(composed))) {
    const path = join(here, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    console.log(`wrote schema/${name}`);
  }
  if (composed.hints.length > 0) console.log(`composition hints:\n${composed.hints.map((h) => `  - ${h}`).join('\n')}`);
} catch (error) {
  if (!(error instanceof CompositionError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
