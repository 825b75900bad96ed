import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The kit cannot use the testkit's shared config (the testkit depends on the kit), so it repeats its setup: SWC, and
// one copy of graphql for our code and for Apollo Server alike, as under plain Node.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
