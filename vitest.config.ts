import { defineConfig } from 'vitest/config';
import { viteAliases } from './scripts/lib/path-aliases.mjs';

export default defineConfig({
  resolve: { alias: viteAliases() },
  test: {
    include: [
      'src-main/**/*.test.ts',
      'src-preload/**/*.test.ts',
      'src-renderer/**/*.test.{ts,tsx}',
      'scripts/**/*.test.mjs',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
