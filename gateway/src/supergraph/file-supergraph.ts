import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SupergraphManager } from '@apollo/gateway';

export interface FileSupergraphOptions {
  path: string;
  /** Reload when the file changes: a fresh `npm run schema:compose` reaches a running dev gateway. */
  watch: boolean;
  log?: (message: string) => void;
}

/**
 * Serves the committed supergraph SDL from a file. With `watch`, a changed file is health-checked against
 * the subgraphs and swapped in; a broken or unreachable composition keeps the previous supergraph serving.
 */
export function fileSupergraph({ path, watch: shouldWatch, log = console.log }: FileSupergraphOptions): SupergraphManager {
  return {
    async initialize({ update, healthCheck }) {
      const supergraphSdl = await readFile(path, 'utf8');
      if (!shouldWatch) return { supergraphSdl };
      let last = supergraphSdl;
      let timer: NodeJS.Timeout | undefined;
      const reload = async () => {
        try {
          const next = await readFile(path, 'utf8');
          if (next === last || next.trim() === '') return;
          await healthCheck(next);
          update(next);
          last = next;
          log(`supergraph reloaded from ${path}`);
        } catch (error) {
          log(`supergraph reload skipped: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      // Editors and the compose script write in several steps; settle before reading.
      const watcher = watch(path, () => {
        clearTimeout(timer);
        timer = setTimeout(reload, 150);
      });
      return {
        supergraphSdl,
        async cleanup() {
          clearTimeout(timer);
          watcher.close();
        },
      };
    },
  };
}
