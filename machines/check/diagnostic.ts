import type { DiagnosticCode, Severity } from './codes.js';

/** One finding of `check`: what failed, where, and how to fix it. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** The flow's (machine's) id. */
  readonly flow: string;
  /** The state it is about (`review.editing` for a nested one), or null for the flow as a whole. */
  readonly state: string | null;
  /** The agent that state runs, or null. */
  readonly agent: string | null;
  /** What failed and where, in a sentence or two. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** A JSON pointer into the value (contract checks) or the schema (provider fit), when there is one. */
  readonly path?: string;
}

/** What a check module reports: a diagnostic without its flow and severity, which `check` fills in. */
export type Finding = Omit<Diagnostic, 'flow' | 'severity'>;
