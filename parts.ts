/**
 * The building blocks of a flow's statechart, for a machine of your own shape (parallel regions, a
 * human-review state, guards of your own) that keeps Baton's contracts and passes `check`.
 *
 * @module baton-flow/parts
 */

export type { AttemptJournal } from './agents/attempt-journal.js';
export type { Approval, AttemptRemaining, Retry } from './agents/attempt-request.js';
export type { AttemptLogic, AttemptPlan } from './machines/attempt-logic.js';
export type { AgentLogicOptions } from './machines/parts/agent-logic.js';
export { agentLogic } from './machines/parts/agent-logic.js';
export type { AgentState, AgentStateOptions } from './machines/parts/agent-state.js';
export { agentState } from './machines/parts/agent-state.js';
export type {
  AgentStateMeta,
  BatonTransitionKind,
  BatonTransitionMeta,
  CounterBound,
  FlowMeta,
  ToolMeta,
} from './machines/parts/baton-meta.js';
export { agentMeta } from './machines/parts/baton-meta.js';
export type {
  ActionRef,
  AndGuard,
  BoundedTransition,
  BoundedTransitionOptions,
  GuardRef,
} from './machines/parts/bounded-transition.js';
export { boundedTransition } from './machines/parts/bounded-transition.js';
export type { FinishTransition, FinishTransitionOptions } from './machines/parts/finish-transition.js';
export { finishTransition } from './machines/parts/finish-transition.js';
export type { HandoffTransition, HandoffTransitionOptions } from './machines/parts/handoff-transition.js';
export { handoffTransition } from './machines/parts/handoff-transition.js';
export type { PartsContext } from './machines/parts/parts-context.js';
export type {
  PartsGuard,
  PartsMachine,
  PartsMachineConfig,
  PartsStateConfig,
} from './machines/parts/parts-machine.js';
export { partsMachine } from './machines/parts/parts-machine.js';
export type { TerminalStates } from './machines/parts/terminal-states.js';
export { terminalStates } from './machines/parts/terminal-states.js';
export type { MachineEvent, RunEnv, RunEventSink, StepEvent } from './machines/run-env.js';
export { provideRunEnv } from './machines/run-env.js';
