import { isBatonError } from '../../contracts/errors.js';
import type { Checkable } from '../../machines/check/check.js';
import { type ExpectValidFlowOptions, expectValidFlow } from './expect-valid-flow.js';

/** What a matcher returns, in the shape Vitest's and Jest's `expect.extend` take. */
export interface MatcherResult {
  /** Whether the assertion holds. */
  readonly pass: boolean;
  /** The failure message: the diagnostics with their fixes, or why a `.not` assertion failed. */
  readonly message: () => string;
}

/**
 * The matchers `batonMatchers` adds, for declaring on your runner's assertion type:
 * `declare module 'vitest' { interface Assertion<T> extends BatonMatchers<void> {} }`.
 */
export interface BatonMatchers<R = unknown> {
  /** Passes when `check` reports no error (and no warning, with `failOnWarnings`). */
  toBeValidFlow(options?: ExpectValidFlowOptions): R;
}

/**
 * Matchers to register with `expect.extend(batonMatchers)`: `expect(flow).toBeValidFlow()` fails with the
 * diagnostics and their fixes.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * import { type BatonMatchers, batonMatchers } from 'baton-flow/testing';
 *
 * expect.extend(batonMatchers);
 * declare module 'vitest' {
 *   interface Assertion<T> extends BatonMatchers<void> {}
 * }
 * // then, in a test: expect(flow).toBeValidFlow({ failOnWarnings: true });
 * ```
 */
export const batonMatchers = {
  /** `expect(flow).toBeValidFlow(options?)`: passes when `check` reports no error (nor warning, with `failOnWarnings`). */
  toBeValidFlow(received: unknown, options?: ExpectValidFlowOptions): MatcherResult {
    try {
      expectValidFlow(received as Checkable, options);
      return { pass: true, message: () => 'Expected the flow to fail its check, but it passes.' };
    } catch (error) {
      if (!isBatonError(error)) throw error;
      return { pass: false, message: () => error.message };
    }
  },
};
