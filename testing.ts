/**
 * The scripted model and helpers for testing flows in Vitest or any runner: transitions as pure
 * functions, every path of a flow as a script, `check` as an assertion, a clock that never waits.
 *
 * @module baton-flow/testing
 */

export type {
  RecordedRequest,
  ScriptedModel,
  ScriptedOptions,
  ScriptedUsage,
  ScriptResponder,
  ScriptStep,
} from './agents/providers/scripted.js';
export { scripted } from './agents/providers/scripted.js';
export { agentDone } from './runtime/testing/agent-done.js';
export type { BatonMatchers, MatcherResult } from './runtime/testing/baton-matchers.js';
export { batonMatchers } from './runtime/testing/baton-matchers.js';
export type { ExpectValidFlowOptions } from './runtime/testing/expect-valid-flow.js';
export { expectValidFlow } from './runtime/testing/expect-valid-flow.js';
export type { FlowPath, FlowPathsOptions, PathDecision, PathStep } from './runtime/testing/flow-paths.js';
export { flowPaths } from './runtime/testing/flow-paths.js';
export type { ManualClock } from './runtime/testing/manual-clock.js';
export { manualClock } from './runtime/testing/manual-clock.js';
export type { PathPayloads } from './runtime/testing/path-script.js';
export { pathScript } from './runtime/testing/path-script.js';
