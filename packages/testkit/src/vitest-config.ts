import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * The one Vitest setup every workspace uses: SWC compiles the TypeScript so decorator metadata
 * (which type-graphql and MikroORM read) is emitted, unlike esbuild's transform.
 */
export function vitestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    plugins: [swc.vite({ module: { type: 'es6' } })],
    // One copy of graphql for everything, as under plain Node: Vite would otherwise load graphql's ESM build for
    // our code while CommonJS and external packages get its CJS build, and graphql's `instanceof` checks fail.
    resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      // Files run in parallel workers; each creates its own database and Redis prefix.
      pool: 'forks',
      // Tests talk to loopback only: no vendor telemetry or cloud-metadata probes from libraries.
      env: { APOLLO_TELEMETRY_DISABLED: 'true' },
      // The workspace packages are TypeScript sources: compile them with SWC too, never hand them to Node.
      server: { deps: { inline: [/@commerce\//, /\/packages\//, /\/subgraphs\//] } },
    },
  });
}
