import { createActor, type InspectionEvent } from 'xstate';
import type { AgentEvent } from '../agents/agent-events.js';
import type { Clock, Ids } from '../agents/clock.js';
import type { Model } from '../agents/model.js';
import { BatonError } from '../contracts/errors.js';
import { type FlowContext, type RunUsage, reason } from '../machines/context.js';
import { type Flow, isFlow } from '../machines/define-flow.js';
import { bindRunEnv } from '../machines/run-env.js';
import type { RunEvent, RunEventBody } from './run-events.js';
import type { RunResult } from './run-result.js';
import { randomIds, systemClock } from './system-clock.js';
import { transitionEvent } from './transition-event.js';

/** Options of one run. Everything from outside (time, ids, models) is passed in here. */
export interface RunOptions {
  /** The kill switch: aborting ends the run as `cancelled` and aborts the in-flight model call. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly ids?: Ids;
  /** Use this id instead of a new one. */
  readonly runId?: string;
  /** Replace the agents' models for this run: one for all, or one per agent name. */
  readonly models?: Model | Readonly<Record<string, Model>>;
  /** Called with each event as it happens. */
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
 * ends as `failed` / `invalid_input` before any model call.
 *
 * @example examples/support/run.ts
 */
export async function runFlow<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  input: I,
  options: RunOptions = {},
): Promise<RunResult<O>> {
  if (!isFlow(flow)) {
    throw new BatonError(
      'invalid_argument',
      'runFlow expects a flow made by defineFlow as its first argument.',
    );
  }
  const clock = options.clock ?? systemClock;
  const runId = options.runId ?? (options.ids ?? randomIds).next('run');
  const keep = options.events !== false;
  const onEvent = options.onEvent;
  const listening = keep || onEvent !== undefined;
  const events: RunEvent[] = [];
  let seq = 0;
  const publish = (event: RunEvent) => {
    if (keep) events.push(event);
    onEvent?.(event);
  };
  // Event bodies are fresh objects made for this log alone, so they are stamped in place: copying each
  // with a spread was the costliest part of keeping the log.
  const record = (body: RunEventBody) => {
    seq += 1;
    const event = body as Stampable;
    event.runId = runId;
    event.seq = seq;
    event.at = clock.now();
    publish(event as unknown as RunEvent);
  };
  const recordStep = (body: AgentEvent, step: number) => {
    (body as Stampable).step = step;
    record(body as RunEventBody);
  };

  const actor = createActor(flow.machine, {
    input: { input, runId, startedAt: clock.now() },
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  bindRunEnv(actor, { clock, models: options.models, emit: listening ? recordStep : undefined });
  if (listening) record({ type: 'run.started', flow: flow.id, input });

  const ended = new Promise<FlowContext>((resolve, reject) => {
    let previous: FlowContext | null = null;
    actor.subscribe({
      next: (snapshot) => {
        const context = snapshot.context;
        if (!listening) {
          if (snapshot.status !== 'active') resolve(context);
          return;
        }
        const state = typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
        const moved = transitionEvent(previous, context, state);
        if (moved) record(moved);
        if (
          context.agent !== null &&
          context.step !== (previous?.step ?? 0) &&
          snapshot.status === 'active'
        ) {
          record({
            type: 'agent.entered',
            step: context.step,
            agent: context.agent,
            visit: context.visits[context.agent] ?? 0,
            repair: context.repairs,
          });
        }
        previous = context;
        if (snapshot.status !== 'active') resolve(context);
      },
      // Only a defect in Baton or in a user callback the machine runs can land here: flow outcomes are
      // final states. Reject rather than hang, with the cause attached.
      error: (cause) =>
        reject(
          new BatonError(
            'internal_error',
            `Flow "${flow.id}" stopped on an internal error: ${String(cause)}`,
            { cause },
          ),
        ),
    });
  });

  const signal = options.signal;
  const cancel = () => actor.send({ type: 'baton.cancel', reason: describeAbort(signal?.reason) });
  if (signal?.aborted) {
    if (listening)
      record({
        type: 'run.ended',
        status: 'cancelled',
        code: 'cancelled',
        usage: { ...zeroUsage(), handoffs: 0 },
      });
    return cancelledBeforeStart(flow.id, runId, events, describeAbort(signal.reason));
  }
  signal?.addEventListener('abort', cancel, { once: true });
  actor.start();
  const context = await ended;
  signal?.removeEventListener('abort', cancel);
  actor.stop();

  const usage: RunUsage = { ...context.usage, handoffs: context.handoffs };
  const ending = context.ending ?? {
    status: 'failed' as const,
    reason: reason('contract_violation', 'The run stopped without an ending.', {
      state: 'unknown',
      agent: context.agent,
      step: context.step,
    }),
  };
  if (listening)
    record({
      type: 'run.ended',
      status: ending.status,
      ...(ending.status === 'done' ? {} : { code: ending.reason.code }),
      usage,
    });
  const base = { runId, flow: flow.id, usage, path: context.path, events };
  if (ending.status === 'done') return { ...base, status: 'done', output: ending.output as O };
  return { ...base, status: ending.status, reason: ending.reason, partial: context.partial };
}

/** An event body while it is being stamped with its place in the run. */
type Stampable = { step?: number; runId?: string; seq?: number; at?: number };

function describeAbort(value: unknown): string {
  if (value instanceof Error) return value.message;
  return value === undefined ? 'aborted by the caller' : String(value);
}

function zeroUsage() {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, costUsd: 0, turns: 0 };
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
    usage: { ...zeroUsage(), handoffs: 0 },
    path: ['cancelled'],
    events,
  };
}
