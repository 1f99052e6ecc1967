import type { Tracer } from '@opentelemetry/api';
import { createActor, type InspectionEvent } from 'xstate';
import type { Clock, Ids } from '../agents/clock.js';
import { NO_USAGE } from '../agents/decision.js';
import type { Model } from '../agents/model.js';
import { plainJsonCopy } from '../contracts/json-value.js';
import { reason } from '../machines/context.js';
import { type Flow, isFlow } from '../machines/define-flow.js';
import { RUN_ACTOR, type RunEnv } from '../machines/run-env.js';
import { checkModelsOption } from './check-models.js';
import type { RunEvent } from './run-events.js';
import { RunLog } from './run-log.js';
import { checkRunOptions, newRunId, notAFlow } from './run-options.js';
import type { RunResult, StoredRunResult } from './run-result.js';
import { describeAbort, listenerFailed, RunWatch, runUsage } from './run-watch.js';
import type { Store } from './store/store.js';
import { advanceStored, leaseMsOf, newHolder, storableInput } from './stored-run.js';
import { randomIds, systemClock } from './system-clock.js';
import { traceRun } from './telemetry/trace-run.js';

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
  /**
   * Trace the run with OpenTelemetry (needs `@opentelemetry/api`): spans per the GenAI semantic
   * conventions, `invoke_workflow {flow}` with an `invoke_agent {agent}` span per attempt and `chat {model}`
   * and `execute_tool {tool}` spans under it; handoffs, repairs and endings are span events. The run span
   * is a child of the active context. See docs/observability.md.
   */
  readonly tracer?: Tracer;
  /**
   * Let the spans carry content (default false): the run's input and output, handoff payloads, repair
   * feedback and reason messages. Without it, spans hold names, counts, codes and times only.
   */
  readonly traceContent?: boolean;
  /**
   * Keep the run in this store as it goes: each transition is committed before the next model call, each
   * model reply and tool result is journaled, and `resumeRun` continues it in any process after a crash.
   * A store that fails for good rejects the run with its error (`store_error`, `store_conflict`).
   */
  readonly store?: Store;
  /** Who advances a stored run: its lease holder (default: an id of this process and host). */
  readonly holder?: string;
  /** How long a stored run's lease lasts without renewal (default 30 s); it is renewed as the run goes on. */
  readonly leaseMs?: number;
}

/**
 * Runs a flow to one of its final states and returns the result: `done` with the output, or
 * `escalated` / `failed` / `cancelled` with a reason. It never throws for a flow outcome; invalid input
 * ends as `failed` / `invalid_input` before any model call. The promise rejects only for a run that
 * cannot start (`invalid_argument`), a throwing `onEvent` (`listener_failed`) or a defect (`internal_error`).
 * An input of plain JSON data is copied when the call is made: changing the object afterwards does not
 * reach the run. A service's use of it is `examples/support/run.ts`.
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
  options: RunOptions & { readonly store: Store },
): Promise<StoredRunResult<O>>;
export function runFlow<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  input: I,
  options?: RunOptions & { readonly store?: undefined },
): Promise<RunResult<O>>;
export function runFlow<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  input: I,
  options?: RunOptions,
): Promise<StoredRunResult<O>>;
export function runFlow<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  input: I,
  options: RunOptions = {},
): Promise<StoredRunResult<O>> {
  if (!isFlow(flow)) {
    return Promise.reject(notAFlow('runFlow'));
  }
  try {
    checkRunOptions(`runFlow(flow "${flow.id}")`, options);
    checkModelsOption(flow, options.models);
    if (options.tracer) return traceRun(flow, options, (traced) => runFlow(flow, input, traced));
    if (options.store) {
      const own = storableInput(flow.id, input);
      const clock = options.clock ?? systemClock;
      return advanceStored<O>(
        flow as Flow,
        { kind: 'new', input: own },
        {
          ...options,
          store: options.store,
          holder: options.holder ?? newHolder(),
          leaseMs: leaseMsOf(options.leaseMs),
          clock,
          runId: options.runId ?? newRunId(`runFlow(flow "${flow.id}")`, options.ids ?? randomIds),
        },
      );
    }
    // A copy of plain JSON data, so that what the caller does to its input while the run goes on does not
    // reach what was validated; other input (a Date, a class instance) is taken as it is, and its schema decides.
    const copied = plainJsonCopy(input);
    return startRun(flow, copied.kind === 'copy' ? (copied.value as I) : input, options);
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
  const runId = options.runId ?? newRunId(`runFlow(flow "${flow.id}")`, options.ids ?? randomIds);
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
    // Without a store the machine cannot reach the human wait (`waits` is false): every result is an ending.
    const watch = new RunWatch<O>(
      flow.id,
      runId,
      log,
      actor,
      resolve as (r: StoredRunResult<O>) => void,
      reject,
    );
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
