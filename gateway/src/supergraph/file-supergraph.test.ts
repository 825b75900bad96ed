import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSupergraph } from './file-supergraph.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function supergraphFile(content: string) {
  const dir = await mkdtemp(join(tmpdir(), 'supergraph-'));
  dirs.push(dir);
  const path = join(dir, 'supergraph.graphql');
  await writeFile(path, content);
  return path;
}

const waitFor = async (condition: () => boolean, ms = 3_000) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
};

describe('fileSupergraph', () => {
  it('serves the file, and with watch swaps in a changed file that passes the health check', async () => {
    const path = await supergraphFile('type Query { a: Int }');
    const updates: string[] = [];
    const manager = fileSupergraph({ path, watch: true, log: () => {} });
    const { supergraphSdl, cleanup } = await manager.initialize({
      update: (sdl) => updates.push(sdl),
      healthCheck: async (sdl) => {
        if (sdl.includes('broken')) throw new Error('subgraph unreachable');
      },
      getDataSource: () => {
        throw new Error('not used');
      },
    });
    expect(supergraphSdl).toBe('type Query { a: Int }');

    await writeFile(path, 'type Query { broken: Int }');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(updates).toEqual([]);

    await writeFile(path, 'type Query { b: Int }');
    await waitFor(() => updates.length > 0);
    expect(updates).toEqual(['type Query { b: Int }']);
    await cleanup?.();
  });

  it('does not watch unless asked', async () => {
    const path = await supergraphFile('type Query { a: Int }');
    const result = await fileSupergraph({ path, watch: false }).initialize({
      update: () => {
        throw new Error('should not update');
      },
      healthCheck: async () => {},
      getDataSource: () => {
        throw new Error('not used');
      },
    });
    expect(result.cleanup).toBeUndefined();
  });
});
