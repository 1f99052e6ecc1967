import { and } from 'xstate';
import type { BatonTransitionKind, BatonTransitionMeta } from './baton-meta.js';

/** A guard as a transition names it: a guard's name, or its name and params. */
export type GuardRef = string | { readonly type: string; readonly params?: unknown };

/** An action as a transition names it: an action's name, or its name and params. */
export type ActionRef = string | { readonly type: string; readonly params?: unknown };

/** Options of `boundedTransition`. */
export interface BoundedTransitionOptions {
  /** The state it goes to (a sibling's key, or `#id`). */
  readonly target: string;
  /** The counter in `context.counters` it checks and counts. */
  readonly counter: string;
  /** It fires only while the counter is below this; must be finite for `check` to count it as a bound. */
  readonly limit: number;
  /** Another guard that must hold too (e.g. a decision guard); combined with `and`. */
  readonly guard?: GuardRef;
  /** Actions to run after the count. */
  readonly actions?: readonly ActionRef[];
  /** Counters it sets back to zero (e.g. per-visit repairs on a handoff). */
  readonly reset?: readonly string[];
  /** What it does in the flow (default `handoff`). */
  readonly kind?: BatonTransitionKind;
  /** Re-enter the target when it is the source, restarting its invoke (default true). */
  readonly reenter?: boolean;
  /** Extra transition metadata (`to` for a handoff). */
  readonly meta?: Omit<BatonTransitionMeta, 'kind' | 'bounds'>;
}

/** Guards combined with XState's `and`: it holds when every one of `guards` holds. */
export type AndGuard = ((...args: never[]) => boolean) & { readonly guards: readonly GuardRef[] };

/** The transition config `boundedTransition` returns. */
export interface BoundedTransition {
  readonly target: string;
  readonly guard: GuardRef | AndGuard;
  readonly actions: readonly ActionRef[];
  readonly reenter: boolean;
  readonly meta: { readonly baton: BatonTransitionMeta };
}

/**
 * A transition that fires at most `limit` times: its guard is the counter guard `baton.below` (with the
 * counter and limit as params) and its first action `baton.count` counts it. `check` proves a cycle
 * terminates only when one of its transitions is bounded like this.
 *
 * @example
 * ```ts
 * import { boundedTransition } from 'baton-flow/parts';
 *
 * // Back to the writer at most three times; each time counts in context.counters.revisions.
 * export const revise = boundedTransition({
 *   target: 'writer',
 *   counter: 'revisions',
 *   limit: 3,
 *   guard: 'needsRevision', // a guard of your own, given to partsMachine's `guards`
 *   meta: { to: 'writer' },
 * });
 * ```
 */
export function boundedTransition(options: BoundedTransitionOptions): BoundedTransition {
  const { counter, limit } = options;
  const below = { type: 'baton.below', params: { counter, limit } } as const;
  return {
    target: options.target,
    guard:
      options.guard === undefined ? below : (and([options.guard, below] as never) as unknown as AndGuard),
    actions: [
      { type: 'baton.count', params: { counter } },
      ...(options.reset?.length ? [{ type: 'baton.reset', params: { counters: [...options.reset] } }] : []),
      ...(options.actions ?? []),
    ],
    reenter: options.reenter ?? true,
    meta: { baton: { ...options.meta, kind: options.kind ?? 'handoff', bounds: [{ counter, limit }] } },
  };
}
