import type { AnyActorLogic, AnyStateMachine } from 'xstate';
import type { AgentEvent, AgentEventSink } from '../agents/agent-events.js';
import type { AttemptJournal } from '../agents/attempt-journal.js';
import { type Clock, frozenClock } from '../agents/clock.js';
import type { Model } from '../agents/model.js';
import type { ReasonCode } from '../contracts/reasons.js';

/** An agent event of a run: every agent event carries the step it belongs to. */
export type StepEvent = AgentEvent;

/** What a running flow needs from outside the machine: the clock, model overrides and an event sink. */
export interface RunEnv {
  readonly clock: Clock;
  /** Replaces agents' models for this run: one model for every agent, or one per agent name. */
  readonly models?: Model | Readonly<Record<string, Model>> | undefined;
  /** Receives each event of the run; absent when nobody listens, so none are built. */
  readonly events?: RunEventSink | undefined;
  /** For a run kept in a store: where attempts wait for commits and journal what they finish. */
  readonly journal?: AttemptJournal | undefined;
}

/** Where a run's events go: the agents' own events and the machine's (entries and transitions). */
export interface RunEventSink extends AgentEventSink {
  record(event: AgentEvent | MachineEvent): void;
}

/** How the flow moved after an attempt, as the machine records it. */
export type TransitionKind =
  | 'handoff'
  | 'repair'
  | 'finish'
  | 'escalate'
  | 'fail'
  | 'cancel'
  | 'wait'
  | 'answer'
  | 'verify'
  | 'revise';

/** What the machine itself records: each transition it takes, read from the verdict or the ending it set. */
export type MachineEvent = {
  readonly type: 'transition';
  readonly step: number;
  readonly from: string;
  readonly to: string;
  readonly kind: TransitionKind;
  readonly code?: ReasonCode;
  readonly message?: string;
  /** For a handoff: the validated payload the receiving agent gets as its whole input. */
  readonly payload?: unknown;
  /** For a wait or an answer: the id of the question (`HumanWait.id`). */
  readonly question?: string;
  /** For an answer: what the person answered, valid for the question's answer schema. */
  readonly answer?: unknown;
};

/**
 * The system id of a run's root actor. The run's environment travels in the root actor's input
 * (`{ input, runId, startedAt, env }`); agent actors and the machine's logging actions read it from the
 * root through `system.get(RUN_ACTOR)`, so nothing lives in module state and one compiled machine
 * serves every run. The environment is never copied into the context, so snapshots stay plain data.
 */
export const RUN_ACTOR = 'baton.run';

/** The environment of an actor started without one: a frozen clock, the agents' own models, no event sink. */
export const DEFAULT_ENV: RunEnv = Object.freeze({ clock: frozenClock() });

/** What the run environment lookup reads of an actor system. */
interface SystemLike {
  get(key: string): unknown;
}

/** The environment of the run an actor belongs to: from the root actor's input, or the default one. */
export function runEnvOf(system: unknown): RunEnv {
  const root = (system as SystemLike | undefined)?.get?.(RUN_ACTOR) as
    | { readonly options?: { readonly input?: { readonly env?: RunEnv } } }
    | undefined;
  return root?.options?.input?.env ?? DEFAULT_ENV;
}

/** The model an agent uses in this run: the override if one is given, else its own. */
export function modelFor(env: RunEnv, agent: string, own: Model): Model {
  const models = env.models;
  if (!models) return own;
  if (typeof (models as Model).call === 'function') return models as Model;
  const byName = models as Readonly<Record<string, Model>>;
  return Object.hasOwn(byName, agent) ? (byName[agent] ?? own) : own;
}

/** Actor logic that can be rebuilt bound to a run environment (what `agentLogic` returns). */
export const WITH_ENV = Symbol.for('baton.withEnv');

type EnvBindable = AnyActorLogic & { readonly [WITH_ENV]?: (env: RunEnv) => AnyActorLogic };

/**
 * A copy of a machine built from parts whose agent actors use `env` (clock, models, event sink): the
 * way to give a custom statechart a run environment without `runFlow`. It rebuilds the machine, so do
 * it once per run of a custom machine, not per event.
 *
 * @example
 * ```ts
 * import { createActor, waitFor } from 'xstate';
 * import { type PartsMachine, provideRunEnv } from 'baton-flow/parts';
 * import { manualClock, scripted } from 'baton-flow/testing';
 *
 * declare const review: PartsMachine; // a machine from partsMachine, with agents writer and reviewer
 *
 * const models = {
 *   writer: scripted([{ handoff: 'reviewer', payload: { text: 'v1' } }]),
 *   reviewer: scripted([{ finish: { text: 'v1, approved' } }]),
 * };
 * const actor = createActor(provideRunEnv(review, { clock: manualClock(), models }), { input: { text: 'topic' } });
 * actor.start();
 * const end = await waitFor(actor, (snapshot) => snapshot.status === 'done');
 * console.log(end.value, end.context.output);
 * ```
 */
export function provideRunEnv<M extends AnyStateMachine>(machine: M, env: RunEnv): M {
  const actors: Record<string, AnyActorLogic> = {};
  for (const [name, logic] of Object.entries(machine.implementations.actors as Record<string, EnvBindable>)) {
    const bind = logic[WITH_ENV];
    if (bind) actors[name] = bind(env);
  }
  return machine.provide({ actors } as never) as M;
}
