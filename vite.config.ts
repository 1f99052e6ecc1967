import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/no-console.ts'],
    pool: 'threads',
    testTimeout: 20_000,
  },
});
