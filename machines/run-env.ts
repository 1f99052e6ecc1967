import type { AgentEvent, AgentEventSink } from '../agents/agent-events.js';
import { type Clock, frozenClock } from '../agents/clock.js';
import type { Model } from '../agents/model.js';

/** An agent event of a run: every agent event carries the step it belongs to. */
export type StepEvent = AgentEvent;

/** What a running flow's actors need from outside the machine: the clock, model overrides and an event sink. */
export interface RunEnv {
  readonly clock: Clock;
  /** Replaces agents' models for this run: one model for every agent, or one per agent name. */
  readonly models?: Model | Readonly<Record<string, Model>> | undefined;
  /** Receives each agent event; absent when nobody listens, so none are built. */
  readonly events?: AgentEventSink | undefined;
}

/** The environment of an actor started without `runFlow`: a frozen clock, the agents' own models, no event sink. */
const DEFAULT_ENV: RunEnv = Object.freeze({ clock: frozenClock() });

// One registry per process, shared by every copy of the package that is loaded (a CLI from dist and a
// flow module importing the sources, say), so an actor always finds the environment its run bound.
const registryKey = Symbol.for('baton.runEnvs');
const registry = globalThis as { [registryKey]?: WeakMap<object, RunEnv> };
registry[registryKey] ??= new WeakMap<object, RunEnv>();
const envs: WeakMap<object, RunEnv> = registry[registryKey];

/**
 * Binds a run environment to an actor's system, before the actor starts, so that the flow's agent
 * actors find the clock, models and event sink of this run. The machine itself is shared by all runs.
 */
export function bindRunEnv(actor: { readonly system: object }, env: RunEnv): void {
  envs.set(actor.system, env);
}

/** The environment bound to an actor system, or the default one. */
export function runEnvOf(system: object): RunEnv {
  return envs.get(system) ?? DEFAULT_ENV;
}

/** The model an agent uses in this run: the override if one is given, else its own. */
export function modelFor(env: RunEnv, agent: string, own: Model): Model {
  const models = env.models;
  if (!models) return own;
  if (typeof (models as Model).call === 'function') return models as Model;
  return (models as Readonly<Record<string, Model>>)[agent] ?? own;
}
