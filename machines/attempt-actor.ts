import type { PromiseActorLogic, PromiseSnapshot } from 'xstate';
import { AttemptAbort } from '../agents/attempt-abort.js';

/**
 * The events an attempt actor sends itself, named as `fromPromise` names them (so the inspector shows an
 * attempt as it shows a promise), and the one XState sends it when its state is left.
 */
const RESOLVED = 'xstate.promise.resolve';
const REJECTED = 'xstate.promise.reject';
const STOP = 'xstate.stop';

/**
 * A running attempt's snapshot: XState's promise snapshot, and the abort of the attempt (never persisted).
 * Every running snapshot has one: it is made with the snapshot, when the actor is created or restored.
 */
type AttemptSnapshot<O, I> = PromiseSnapshot<O, I> & { readonly abort: AttemptAbort };

/**
 * Actor logic that runs one attempt as `fromPromise` runs a promise, with one difference: the attempt is
 * stopped through an `AttemptAbort`, whose AbortSignal is made only if the attempt's model, tool or step
 * reads it (`fromPromise` makes an AbortController for every actor). Its snapshots are XState's promise
 * snapshots, persisted and restored as they are, so a stored run resumes across the two, and a test can
 * still put any `fromPromise` in its place with `machine.provide`.
 */
export function attemptActor<O, I>(
  run: (input: I, system: unknown, abort: AttemptAbort) => PromiseLike<O>,
): PromiseActorLogic<O, I> {
  return {
    transition: (state, event) => {
      if (state.status !== 'active') return state;
      switch (event.type) {
        case RESOLVED:
          return { status: 'done', output: event.data as O, error: undefined, input: undefined };
        case REJECTED:
          return { status: 'error', output: undefined, error: event.data, input: undefined };
        case STOP:
          (state as AttemptSnapshot<O, I>).abort.abort();
          return { status: 'stopped', output: undefined, error: undefined, input: undefined };
        default:
          return state;
      }
    },
    start: (state, { self, system }) => {
      if (state.status !== 'active') return;
      // A throw before the attempt's first await fails the actor at once, as it does in `fromPromise`.
      run(state.input as I, system, (state as AttemptSnapshot<O, I>).abort).then(
        (output) => {
          if (self.getSnapshot().status === 'active') self.send({ type: RESOLVED, data: output });
        },
        (error: unknown) => {
          if (self.getSnapshot().status === 'active') self.send({ type: REJECTED, data: error });
        },
      );
    },
    getInitialSnapshot: (_, input) => attemptSnapshot<O, I>(input),
    // Without the abort: what is persisted is exactly what `fromPromise` persists.
    getPersistedSnapshot: (snapshot) => {
      const { abort: _abort, ...persisted } = snapshot as AttemptSnapshot<O, I>;
      return persisted;
    },
    restoreSnapshot: (snapshot) => {
      const restored = snapshot as PromiseSnapshot<O, I>;
      return restored.status === 'active' ? attemptSnapshot<O, I>(restored.input as I) : restored;
    },
  };
}

/** The snapshot of an attempt about to start. */
function attemptSnapshot<O, I>(input: I): AttemptSnapshot<O, I> {
  return { status: 'active', output: undefined, error: undefined, input, abort: new AttemptAbort() };
}
