import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The kit cannot use the testkit's shared config (the testkit depends on the kit), so it repeats the SWC setup.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
