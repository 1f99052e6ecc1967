/**
 * What a flow author uses: agents, tools, code steps, flows, runs, providers, `check`, errors and
 * reason codes. Every export is named here; a test snapshots this list so changes are deliberate.
 * Building blocks for custom statecharts are in `baton-flow/parts`, test helpers in `baton-flow/testing`.
 *
 * @module baton-flow
 */

export type { AgentEvent, AgentEventSink } from './agents/agent-events.js';
export type { Clock, Ids } from './agents/clock.js';
export { frozenClock, sequentialIds } from './agents/clock.js';
export type {
  AgentOutcome,
  Calibration,
  Decision,
  Feedback,
  VisitBudgetCode,
  VisitUsage,
} from './agents/decision.js';
export type {
  Agent,
  AgentBudget,
  AgentDefinition,
  AnyAgent,
  ClaimRules,
  FeedbackRules,
  ResolvedBudget,
  Step,
  StepContext,
} from './agents/define-agent.js';
export { defineAgent } from './agents/define-agent.js';
export type { StepDefinition } from './agents/define-step.js';
export { defineStep } from './agents/define-step.js';
export type { AnyTool, Tool, ToolContext, ToolDefinition } from './agents/define-tool.js';
export { defineTool } from './agents/define-tool.js';
export type {
  Message,
  Model,
  ModelReply,
  ModelRequest,
  Price,
  StopReason,
  ToolCall,
  ToolSpec,
  Usage,
} from './agents/model.js';
export { costOf } from './agents/model.js';
export type { AnthropicClient, AnthropicOptions } from './agents/providers/anthropic.js';
export { anthropic } from './agents/providers/anthropic.js';
export type { OpenAIClient, OpenAIOptions } from './agents/providers/openai.js';
export { openai } from './agents/providers/openai.js';
export type { MaxTokensField } from './agents/providers/openai-chat.js';
export { PRICES, priceOf } from './agents/providers/prices.js';
export type {
  Cassette,
  CassetteCall,
  CassetteError,
  CassetteOptions,
  RecordingModel,
} from './agents/providers/record.js';
export { CASSETTE_VERSION, record } from './agents/providers/record.js';
export type { ReplayModel } from './agents/providers/replay.js';
export { replay } from './agents/providers/replay.js';
export type {
  RecordedRequest,
  ScriptedModel,
  ScriptedOptions,
  ScriptedUsage,
  ScriptResponder,
  ScriptStep,
} from './agents/providers/scripted.js';
export { scripted } from './agents/providers/scripted.js';
export type { Compatibility, Incompatibility } from './contracts/compat.js';
export { checkCompatible } from './contracts/compat.js';
export type { BatonErrorOptions, ErrorCode } from './contracts/errors.js';
export { BatonError, ERROR_CODES, isBatonError } from './contracts/errors.js';
export type { ReasonCode, ReasonInfo } from './contracts/reasons.js';
export { REASONS } from './contracts/reasons.js';
export type { Contract, Infer, JsonSchemaObject, Schema } from './contracts/schema.js';
export { jsonSchema } from './contracts/schema.js';
export type { Validation, Validator } from './contracts/validator.js';
export { validatorFor } from './contracts/validator.js';
export type { Violation } from './contracts/violations.js';
export { formatViolations } from './contracts/violations.js';
export type { FlowMachine } from './machines/build-machine.js';
export { assertValid } from './machines/check/assert-valid.js';
export type { Checkable, CheckReport } from './machines/check/check.js';
export { check, checkReport } from './machines/check/check.js';
export type { CheckOptions } from './machines/check/check-options.js';
export type { DiagnosticCode, DiagnosticInfo, Severity } from './machines/check/codes.js';
export { DIAGNOSTIC_CODES } from './machines/check/codes.js';
export type { Diagnostic } from './machines/check/diagnostic.js';
export { formatDiagnostic, formatDiagnostics } from './machines/check/format-diagnostics.js';
export type { FlowBounds, PathSummary } from './machines/check/path-bounds.js';
export type { Ending, FlowContext, FlowMachineInput, Reason, RunUsage } from './machines/context.js';
export type {
  AnyFlow,
  FactsDefinition,
  Flow,
  FlowDefinition,
  NameOf,
  VerifyDefinition,
} from './machines/define-flow.js';
export { defineFlow, isFlow } from './machines/define-flow.js';
export type { JudgeDefinition, JudgeInput, JudgeVerdict } from './machines/define-judge.js';
export { defineJudge } from './machines/define-judge.js';
export type {
  AgentDoneEvent,
  AgentErrorEvent,
  AnswerEvent,
  CancelEvent,
  DeadlineEvent,
  FlowEvent,
  HumanTimeoutEvent,
} from './machines/flow-events.js';
export { AWAITING_HUMAN, FINAL_STATES } from './machines/flow-events.js';
export type { DonePredicate, DoneResult } from './machines/flow-spec.js';
export type { FlowLimits, ResolvedLimits } from './machines/limits.js';
export { DEFAULT_LIMITS } from './machines/limits.js';
export type { HumanWait, Verdict, VerdictKind } from './machines/verdict.js';
export type {
  BestRound,
  Candidate,
  CheckArgs,
  CheckResult,
  Criterion,
  CriterionResult,
} from './machines/verify.js';
export type { AnswerOptions } from './runtime/answer-run.js';
export { answerRun } from './runtime/answer-run.js';
export type { CancelOutcome } from './runtime/cancel-run.js';
export { cancelRun } from './runtime/cancel-run.js';
export type { ModelSpecOptions } from './runtime/model-spec.js';
export { MODEL_VARIABLE, modelFromSpec } from './runtime/model-spec.js';
export type { ResumeOptions } from './runtime/resume-run.js';
export { resumeRun } from './runtime/resume-run.js';
export type { RunEvent, RunEventBody, TransitionKind } from './runtime/run-events.js';
export type { RunOptions } from './runtime/run-flow.js';
export { runFlow } from './runtime/run-flow.js';
export type {
  DoneResult as RunDone,
  RunResult,
  StoppedResult,
  StoredRunResult,
  WaitingResult,
} from './runtime/run-result.js';
export type { SnapshotMigration, SnapshotMigrations } from './runtime/store/envelope.js';
export { MemoryStore } from './runtime/store/memory-store.js';
export type { SqliteDatabase, SqliteStatement, SqliteValue } from './runtime/store/sqlite-database.js';
export type { SqliteStoreOptions } from './runtime/store/sqlite-store.js';
export { SqliteStore } from './runtime/store/sqlite-store.js';
export type {
  Commit,
  CommitOutcome,
  JournalEntry,
  JournalWrite,
  Lease,
  LeaseOptions,
  NewRun,
  RunFilter,
  SnapshotEnvelope,
  Store,
  StoredRun,
  StoredStatus,
} from './runtime/store/store.js';
export { randomIds, systemClock } from './runtime/system-clock.js';
