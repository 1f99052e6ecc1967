// baton/testing: the scripted model and helpers for testing flows in Vitest or any runner.

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
export type { ManualClock } from './runtime/testing/manual-clock.js';
export { manualClock } from './runtime/testing/manual-clock.js';
