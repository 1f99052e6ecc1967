import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  // Tests and examples import the package by its name, as users do; here the name means the sources.
  resolve: {
    alias: [
      { find: /^baton-flow$/, replacement: here('./index.ts') },
      { find: /^baton-flow\/parts$/, replacement: here('./parts.ts') },
      { find: /^baton-flow\/testing$/, replacement: here('./testing.ts') },
      { find: /^baton-flow\/postgres$/, replacement: here('./postgres.ts') },
      { find: /^baton-flow\/report$/, replacement: here('./report.ts') },
    ],
  },
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
