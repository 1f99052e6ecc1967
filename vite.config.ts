import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/no-console.ts'],
    pool: 'threads',
    testTimeout: 20_000,
    // Type-level tests: `*.test-d.ts` files are not run but checked by `tsc` (typescript from
    // node_modules) with the repo's tsconfig, so a failing `expectTypeOf` or `assertType`, or an unused
    // `@ts-expect-error`, fails `npm test`. Type errors elsewhere are left to `npm run typecheck`.
    typecheck: {
      enabled: true,
      checker: 'tsc',
      tsconfig: './tsconfig.json',
      include: ['test/**/*.test-d.ts'],
      ignoreSourceErrors: true,
    },
  },
});
