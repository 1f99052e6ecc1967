import { asSchemaObject, type JsonSchemaObject, type Schema } from '../../contracts/schema.js';
import type { DonePredicate } from '../flow-spec.js';

/** Options of `finishTransition`. */
export interface FinishTransitionOptions {
  /** The flow's output schema: the result must fit it. */
  readonly output: Schema;
  /** The done predicate: `done` is entered only when it holds. */
  readonly done?: DonePredicate;
  /** The final state it goes to (default `done`). */
  readonly target?: string;
}

/** The transition config `finishTransition` returns. */
export interface FinishTransition {
  readonly target: string;
  readonly guard: {
    readonly type: 'baton.done';
    readonly params: { readonly output: JsonSchemaObject; readonly done: DonePredicate | undefined };
  };
  readonly actions: readonly ['baton.finish'];
  readonly meta: { readonly baton: { readonly kind: 'finish' } };
}

/**
 * The only way into `done`: fires when the agent finishes with a result that fits `output` and meets
 * `done` (the done contract guard `baton.done`), and stores the result in `context.output`.
 */
export function finishTransition(options: FinishTransitionOptions): FinishTransition {
  return {
    target: options.target ?? 'done',
    guard: {
      type: 'baton.done',
      params: { output: asSchemaObject(options.output, 'finishTransition output'), done: options.done },
    },
    actions: ['baton.finish'],
    meta: { baton: { kind: 'finish' } },
  };
}
