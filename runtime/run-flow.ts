import { createActor, type InspectionEvent } from 'xstate';
import type { Clock, Ids } from '../agents/clock.js';
import { NO_USAGE, type VisitUsage } from '../agents/decision.js';
import type { Model } from '../agents/model.js';
import { BatonError } from '../contracts/errors.js';
import type { CancelEvent, DeadlineEvent } from '../machines/build-machine.js';
import { type Ending, type FlowContext, type RunUsage, reason } from '../machines/context.js';
import { type Flow, isFlow } from '../machines/define-flow.js';
import { RUN_ACTOR, type RunEnv } from '../machines/run-env.js';
import { checkModelsOption } from './check-models.js';
import type { RunEvent } from './run-events.js';
import { RunLog } from './run-log.js';
import type { RunResult } from './run-result.js';
import { randomIds, systemClock } from './system-clock.js';

/** Options of one run. Everything from outside (time, ids, models) is passed in here. */
export interface RunOptions {
  /**
   * The kill switch: aborting ends the run as `cancelled` at once and aborts the signal of the model call,
   * tool or code step in flight; nothing starts after it, and nothing they return later is counted.
   */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly ids?: Ids;
  /** Use this id instead of a new one. */
  readonly runId?: string;
  /**
   * Replace the agents' models for this run: one for all, or one per agent name. A name that is not an
   * agent of the flow, or a value that is not a model, is rejected (`invalid_argument`): a typo here
   * would silently call the agent's own, paid model.
   */
  readonly models?: Model | Readonly<Record<string, Model>>;
  /**
   * Called with each event as it happens. If it throws, it is not called again, the run goes on to its
   * end, and `runFlow` rejects with `listener_failed` holding the result in `details.result`.
   */
  readonly onEvent?: (event: RunEvent) => void;
  /**
   * Keep the event log in the result (default true). A service that runs many flows and reads only the
   * outcome can turn it off: then no event is built at all unless `onEvent` is given.
   */
  readonly events?: boolean;
  /** An XState inspector, e.g. `createBrowserInspector().inspect` from `@statelyai/inspect`. */
  readonly inspect?: (event: InspectionEvent) => void;
}

/**
 * Runs a flow to one of its final states and returns the result: `done` with the output, or
 * `escalated` / `failed` / `cancelled` with a reason. It never throws for a flow outcome; invalid input
 * ends as `failed` / `invalid_input` before any model call. The promise rejects only for a run that
 * cannot start (`invalid_argument`), a throwing `onEvent` (`listener_failed`) or a defect (`internal_error`).
 * A service's use of it is `examples/support/run.ts`.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { scripted } from 'baton-flow/testing';
 *
 * const Note = Type.Object({ text: Type.String() });
 * const writer = defineAgent({
 *   name: 'writer',
 *   description: 'Writes a note.',
 *   input: Note,
 *   instructions: 'Write the note the input asks for.',
 *   model: scripted([{ agent: 'writer', finish: { text: 'Hello.' } }]),
 * });
 * const notes = defineFlow({ id: 'notes', input: Note, output: Note, start: 'writer', agents: [writer], finish: ['writer'] });
 * import { runFlow } from 'baton-flow';
 *
 * const result = await runFlow(notes, { text: 'a haiku' }, { signal: AbortSignal.timeout(60_000) });
 * if (result.status === 'done') console.log(result.output.text);
 * else console.log(`${result.status}: ${result.reason.code} at ${result.reason.agent}: ${result.reason.message}`);
 * ```
 */
export function runFlow<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  input: I,
  options: RunOptions = {},
): Promise<RunResult<O>> {
  if (!isFlow(flow)) {
    return Promise.reject(
      new BatonError('invalid_argument', 'runFlow expects a flow made by defineFlow as its first argument.'),
    );
  }
  try {
    checkModelsOption(flow, options.models);
    return startRun(flow, input, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Sets a run up and starts it; what throws here reaches the caller as a rejection, through `runFlow`. */
function startRun<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  input: I,
  options: RunOptions,
): Promise<RunResult<O>> {
  const clock = options.clock ?? systemClock;
  const runId = options.runId ?? (options.ids ?? randomIds).next('run');
  const log = new RunLog(runId, clock, { keep: options.events !== false, onEvent: options.onEvent });
  const env: RunEnv = { clock, models: options.models, events: log.listening ? log : undefined };
  const startedAt = clock.now();
  // The environment travels in the root actor's input, where the agent actors find it by its system id.
  const actor = createActor(flow.machine, {
    input: { input, runId, startedAt, env },
    systemId: RUN_ACTOR,
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  log.record({ type: 'run.started', flow: flow.id, input });

  const signal = options.signal;
  if (signal?.aborted) {
    const why = describeAbort(signal.reason);
    log.record({ type: 'run.ended', status: 'cancelled', code: 'cancelled', usage: runUsage(NO_USAGE, 0) });
    const result = cancelledBeforeStart(flow.id, runId, log.close(), why);
    const failure = log.listenerFailure;
    return failure ? Promise.reject(listenerFailed(flow.id, result, failure.error)) : Promise.resolve(result);
  }
  // No async function and no promise chain here: they would stay on the heap of every run in flight.
  return new Promise<RunResult<O>>((resolve, reject) => {
    const watch = new RunWatch<O>(flow.id, runId, log, actor, resolve, reject);
    actor.subscribe(watch);
    if (signal) watch.cancelOn(signal);
    const ms = flow.limits.ms;
    if (Number.isFinite(ms)) watch.expireAfter(clock, ms);
    try {
      actor.start();
    } catch (error) {
      // An inspector that throws as the actor starts: the run never began, so let go of the signal.
      watch.detach();
      throw error;
    }
  });
}

/**
 * Watches a run's actor: settles with the result when the actor reaches a final state (the actor then
 * stops itself), and holds the run's one deadline timer and the caller's kill switch until then. Only a defect in Baton or in a user
 * callback the machine runs reaches `error`: flow outcomes are final states, so the run rejects with
 * `internal_error` and the cause attached, rather than hang. An actor stopped from outside (through an
 * inspector, say) ends the run as `cancelled`.
 */
class RunWatch<O> {
  private stopCancel: (() => void) | null = null;
  private stopTimer: (() => void) | null = null;
  private settled = false;

  constructor(
    private readonly flow: string,
    private readonly runId: string,
    private readonly log: RunLog,
    private readonly actor: RunActor,
    private readonly resolve: (result: RunResult<O>) => void,
    private readonly reject: (error: BatonError) => void,
  ) {}

  /** Sends the kill switch to the actor when `signal` aborts, until the run ends. */
  cancelOn(signal: AbortSignal): void {
    const cancel = () => this.actor.send({ type: 'baton.cancel', reason: describeAbort(signal.reason) });
    signal.addEventListener('abort', cancel, { once: true });
    this.stopCancel = () => signal.removeEventListener('abort', cancel);
  }

  /**
   * Sends the deadline to the actor after `ms` of the run's clock: one timer per run, whatever the run
   * waits on. The machine ends the run `escalated` / `deadline`, which aborts what is in flight.
   */
  expireAfter(clock: Clock, ms: number): void {
    const handle = clock.setTimeout(() => this.actor.send({ type: 'baton.deadline' }), Math.max(0, ms));
    this.stopTimer = () => clock.clearTimeout(handle);
  }

  next(snapshot: FlowSnapshot): void {
    // XState reports what an observer throws as an uncaught error, which would leave the run unsettled:
    // a defect here rejects the run, and the actor is stopped once XState has finished this step.
    try {
      if (snapshot.status !== 'active') this.settle(snapshot.context);
    } catch (cause) {
      this.error(cause);
      queueMicrotask(() => this.actor.stop());
    }
  }

  error(cause: unknown): void {
    if (!this.end()) return;
    this.reject(
      new BatonError('internal_error', `Flow "${this.flow}" stopped on an internal error: ${String(cause)}`, {
        cause,
      }),
    );
  }

  /**
   * Called when the actor stops. After a final state the run has settled already; an actor stopped from
   * outside settles here, from its last context (which has no ending).
   */
  complete(): void {
    if (this.settled) return;
    try {
      this.settle(this.actor.getSnapshot().context);
    } catch (cause) {
      this.error(cause);
    }
  }

  /** Lets go of the caller's signal without settling: for a run that never started. */
  detach(): void {
    this.end();
  }

  /** Marks the run settled and lets go of the caller's signal; false if it had settled already. */
  private end(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.stopCancel?.();
    this.stopTimer?.();
    return true;
  }

  /** Settles the run that ended with `context`: with its result, or `listener_failed` holding it. */
  private settle(context: FlowContext): void {
    if (!this.end()) return;
    const result = resultOf<O>(this.flow, this.runId, context, this.log);
    const failure = this.log.listenerFailure;
    if (!failure) {
      this.resolve(result);
      return;
    }
    this.reject(listenerFailed(this.flow, result, failure.error));
  }
}

/** What the watch uses of a run's actor. */
interface RunActor {
  send(event: CancelEvent | DeadlineEvent): void;
  stop(): unknown;
  getSnapshot(): FlowSnapshot;
}

/** What the watch reads of a flow machine's snapshots. */
interface FlowSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly context: FlowContext;
}

/**
 * The result of a run whose actor stopped with `context`. Every final state sets an ending; a context
 * without one is an actor stopped from outside before the flow reached a final state: `cancelled`.
 */
function resultOf<O>(flow: string, runId: string, context: FlowContext, log: RunLog): RunResult<O> {
  const usage = runUsage(context.usage, context.handoffs);
  const ending: Ending = context.ending ?? {
    status: 'cancelled',
    reason: reason(
      'cancelled',
      `The run's actor was stopped from outside before flow "${flow}" reached a final state.`,
      { state: context.agent ?? 'start', agent: context.agent, step: context.step },
    ),
  };
  const path = context.ending ? context.path : context.path.concat(ending.status);
  // Literals, not spreads: a spread that adds properties is slow in V8 (Node 20), and this runs per run.
  if (ending.status === 'done') {
    log.record({ type: 'run.ended', status: ending.status, usage });
    const events = log.close();
    return { runId, flow, usage, path, events, status: 'done', output: ending.output as O };
  }
  log.record({ type: 'run.ended', status: ending.status, code: ending.reason.code, usage });
  const { status, reason: why } = ending;
  const events = log.close();
  return { runId, flow, usage, path, events, status, reason: why, partial: context.partial };
}

/** A run's usage: its visits' usage and its handoffs. */
function runUsage(usage: VisitUsage, handoffs: number): RunUsage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    reasoningTokens: usage.reasoningTokens,
    costUsd: usage.costUsd,
    turns: usage.turns,
    handoffs,
  };
}

function listenerFailed(flow: string, result: RunResult<unknown>, error: unknown): BatonError {
  const why = error instanceof Error ? error.message : String(error);
  return new BatonError(
    'listener_failed',
    `The onEvent listener of flow "${flow}" threw: ${why}. It was not called again; the run ended ${result.status}, and details.result holds its result.`,
    { cause: error, details: { result } },
  );
}

function describeAbort(value: unknown): string {
  if (value instanceof Error) return value.message;
  return value === undefined ? 'aborted by the caller' : String(value);
}

function cancelledBeforeStart(
  flow: string,
  runId: string,
  events: readonly RunEvent[],
  why: string,
): RunResult<never> {
  return {
    runId,
    flow,
    status: 'cancelled',
    reason: reason('cancelled', `The run was cancelled before it started: ${why}.`, {
      state: 'start',
      agent: null,
      step: 0,
    }),
    partial: null,
    usage: runUsage(NO_USAGE, 0),
    path: ['cancelled'],
    events,
  };
}
