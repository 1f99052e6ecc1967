import { BatonError } from '../../contracts/errors.js';
import { REASONS } from '../../contracts/reasons.js';
import type { Reason, RunUsage } from '../../machines/context.js';
import type { RunEvent } from '../run-events.js';
import type { RunResult } from '../run-result.js';

/** A stored run that has not ended: what a report can show of it so far. */
export interface UnfinishedRun {
  readonly runId: string;
  readonly flow: string;
  readonly status: 'running' | 'awaiting_human';
  readonly usage: RunUsage;
  readonly path: readonly string[];
  readonly events: readonly RunEvent[];
}

/** What a report is made from: the `RunResult` of a run (a trace), or a stored run that has not ended. */
export type RunRecord = RunResult | UnfinishedRun;

const STATUSES = ['done', 'escalated', 'failed', 'cancelled', 'running', 'awaiting_human'];
const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'costUsd', 'turns', 'handoffs'] as const;

/** What is wrong with a value that should be a run record, or null when nothing is. */
function problemOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `it is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not an object`;
  const run = value as Record<string, unknown>;
  if (typeof run.runId !== 'string' || run.runId === '') return '`runId` is missing';
  if (typeof run.flow !== 'string' || run.flow === '') return '`flow` is missing';
  if (typeof run.status !== 'string' || !STATUSES.includes(run.status))
    return `\`status\` must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(run.status ?? null)}`;
  const usage = run.usage as Record<string, unknown> | null | undefined;
  if (typeof usage !== 'object' || usage === null) return '`usage` is missing';
  const bad = USAGE_FIELDS.find((field) => typeof usage[field] !== 'number');
  if (bad !== undefined) return `\`usage.${bad}\` is not a number`;
  if (!Array.isArray(run.path) || run.path.some((state) => typeof state !== 'string'))
    return '`path` is not a list of state names';
  if (!Array.isArray(run.events)) return '`events` is not a list';
  const event = (run.events as unknown[]).findIndex(
    (e) =>
      typeof e !== 'object' ||
      e === null ||
      typeof (e as Record<string, unknown>).type !== 'string' ||
      typeof (e as Record<string, unknown>).at !== 'number',
  );
  if (event !== -1)
    return `\`events[${event}]\` is not a run event (an object with a \`type\` and an \`at\`)`;
  if (run.status === 'done' || run.status === 'running' || run.status === 'awaiting_human') return null;
  const reason = run.reason as Record<string, unknown> | null | undefined;
  if (typeof reason !== 'object' || reason === null) return `a ${run.status} run has no \`reason\``;
  if (typeof reason.code !== 'string' || !Object.hasOwn(REASONS, reason.code))
    return `\`reason.code\` ${JSON.stringify(reason.code ?? null)} is not a reason code`;
  if (typeof reason.message !== 'string') return '`reason.message` is missing';
  return null;
}

/**
 * Checks that a value is a run record (a `RunResult` as `runFlow` returns it and `JSON.stringify` writes
 * it, or an unfinished stored run) and returns it; throws `invalid_argument` naming `where` and what is
 * wrong otherwise.
 */
export function toRunRecord(value: unknown, where: string): RunRecord {
  const problem = problemOf(value);
  if (problem !== null) {
    throw new BatonError(
      'invalid_argument',
      `${where} is not a run's result: ${problem}. Pass the JSON of a RunResult, as JSON.stringify(await runFlow(...)) or \`baton run --json\` writes it.`,
      { details: { where, problem } },
    );
  }
  return value as RunRecord;
}

/** The reason a run ended without `done`, or null for a run that is done or has not ended. */
export function reasonOf(run: RunRecord): Reason | null {
  return 'reason' in run ? run.reason : null;
}
