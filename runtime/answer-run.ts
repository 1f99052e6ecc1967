import { BatonError, isBatonError } from '../contracts/errors.js';
import { compiledValidator } from '../contracts/validator.js';
import { formatViolations } from '../contracts/violations.js';
import { type Flow, isFlow } from '../machines/define-flow.js';
import type { HumanWait } from '../machines/verdict.js';
import { continueStored, openStoredRun, type ResumeOptions, waitOf } from './resume-run.js';
import type { RunEvent } from './run-events.js';
import { checkRunId, checkRunOptions, notAFlow } from './run-options.js';
import type { StoredRunResult } from './run-result.js';
import type { Store } from './store/store.js';
import { systemClock } from './system-clock.js';
import { traceRun } from './telemetry/trace-run.js';

/** Options of `answerRun`: those of `resumeRun`, and the question the answer is for. */
export type AnswerOptions = ResumeOptions & {
  /**
   * The id of the question answered (`WaitingResult.question.id`, shown by `baton show`). With it, an
   * answer that comes after the run has moved on to another question is refused (`already_answered`)
   * instead of answering the new one. Without it, the answer is for whatever question the run waits on.
   */
  readonly question?: string;
};

/** How long a second answerer waits for the first one's commit, to report the answer that won. */
const RACE_WAIT_MS = 5_000;
const RACE_POLL_MS = 50;

/**
 * Answers the question a stored run waits on (an agent's `ask_human`, or an approval: `{ approved: true }`
 * or `{ approved: false, reason }`) and goes on with the run in this process, to its end or its next
 * question. The answer is validated against the question's answer schema first: an invalid one is refused
 * with `invalid_answer` and the violations, and changes nothing. The first answer wins: a second answer
 * to the same question is refused with `already_answered`, whose details hold the recorded answer. An
 * answer after the wait's deadline (`limits.humanMs`) is not taken: the run ends `escalated` /
 * `human_timeout` and that is the result. Also rejects with `run_not_found`, `run_finished`, `not_waiting`
 * (the run is not waiting for a person) and `snapshot_incompatible`.
 *
 * @example
 * ```ts
 * import { type AnyFlow, answerRun, MemoryStore } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 * declare const store: MemoryStore; // the store the run waits in
 *
 * const result = await answerRun(support, 'run-42', 'The serial number is SN-1234.', { store });
 * if (result.status === 'awaiting_human') console.log('It asks again:', result.question.question);
 * else console.log(result.status);
 * ```
 */
export async function answerRun<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  runId: string,
  answer: unknown,
  options: AnswerOptions,
): Promise<StoredRunResult<O>> {
  if (!isFlow(flow)) throw notAFlow('answerRun');
  checkRunId(`answerRun(flow "${flow.id}")`, runId);
  checkRunOptions(`answerRun(flow "${flow.id}")`, options, true);
  if (options.tracer) return traceRun(flow, options, (traced) => answerRun(flow, runId, answer, traced));
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const stored = await store.get(runId);
  if (stored && stored.status !== 'awaiting_human') {
    throw await notWaiting(store, runId, stored.status, options.question);
  }
  const opened = await openStoredRun(flow, runId, options, 'answerRun');
  const wait = waitOf(opened.context, runId);
  if (options.question !== undefined && options.question !== wait.id) {
    const recorded = await recordedAnswer(store, runId, options.question);
    if (recorded) throw alreadyAnswered(runId, options.question, recorded);
    throw new BatonError(
      'invalid_argument',
      `Run "${runId}" waits on question ${wait.id}, not ${options.question}: ${wait.question}`,
      { details: { runId, question: wait } },
    );
  }
  const checked = compiledValidator<unknown>(wait.answer, `the answer to ${wait.id}`).validate(answer);
  if (!checked.ok) {
    throw new BatonError(
      'invalid_answer',
      `The answer to ${wait.id} of run "${runId}" does not fit its schema:\n${formatViolations(checked.violations)}\n${hint(wait)}`,
      { details: { runId, question: wait.id, violations: checked.violations, schema: wait.answer } },
    );
  }
  const at = clock.now();
  const human =
    wait.expiresAt !== null && at >= wait.expiresAt
      ? ({ kind: 'timeout', question: wait.id } as const)
      : ({ kind: 'answer', question: wait.id, answer: checked.value, at } as const);
  try {
    return await continueStored<O>(flow, opened, options, human, () =>
      answerRun(flow, runId, answer, { ...options, question: wait.id }),
    );
  } catch (error) {
    if (!isBatonError(error) || error.code !== 'lease_held') throw error;
    // Another answer holds the run: wait for its commit and report the answer that won.
    return await raceLost(flow, runId, answer, { ...options, question: wait.id }, error);
  }
}

/** Waits until the answer that holds the run is committed, then refuses this one with it. */
async function raceLost<O>(
  flow: Flow<string, unknown, O, string>,
  runId: string,
  answer: unknown,
  options: AnswerOptions & { readonly question: string },
  held: BatonError,
): Promise<StoredRunResult<O>> {
  const { store } = options;
  for (let waited = 0; waited < RACE_WAIT_MS; waited += RACE_POLL_MS) {
    const recorded = await recordedAnswer(store, runId, options.question);
    if (recorded) throw alreadyAnswered(runId, options.question, recorded);
    const run = await store.get(runId);
    // The holder let go without answering (it ended the wait, or died before its commit): try again.
    if (run && run.status === 'awaiting_human' && run.lease === null)
      return answerRun(flow, runId, answer, options);
    if (run && run.status !== 'awaiting_human')
      throw await notWaiting(store, runId, run.status, options.question);
    await new Promise((resolve) => setTimeout(resolve, RACE_POLL_MS));
  }
  throw held;
}

/** The `answer` transition that answered `question`, if the run's log has one. */
async function recordedAnswer(store: Store, runId: string, question: string): Promise<RunEvent | null> {
  const events = await store.events(runId);
  return (
    events.find(
      (event) => event.type === 'transition' && event.kind === 'answer' && event.question === question,
    ) ?? null
  );
}

function alreadyAnswered(runId: string, question: string, recorded: RunEvent): BatonError {
  const answer = recorded.type === 'transition' ? recorded.answer : undefined;
  return new BatonError(
    'already_answered',
    `Question ${question} of run "${runId}" was answered already: the first answer wins (${JSON.stringify(answer)}).`,
    { details: { runId, question, answer, at: recorded.at } },
  );
}

/** The refusal of an answer to a run that does not wait: `already_answered` when that question was answered. */
async function notWaiting(
  store: Store,
  runId: string,
  status: string,
  question: string | undefined,
): Promise<BatonError> {
  const recorded = question === undefined ? null : await recordedAnswer(store, runId, question);
  if (recorded && question !== undefined) return alreadyAnswered(runId, question, recorded);
  const ended = ['done', 'escalated', 'failed', 'cancelled'].includes(status);
  return new BatonError(
    ended ? 'run_finished' : 'not_waiting',
    ended
      ? `Run "${runId}" ended ${status} already: there is no question to answer.`
      : `Run "${runId}" is not waiting for an answer (it is ${status}). \`baton show ${runId}\` shows where it is.`,
    { details: { runId, status } },
  );
}

/** What an answer looks like, for the message of an invalid one. */
function hint(wait: HumanWait): string {
  return wait.kind === 'ask'
    ? 'Answer with a non-empty string.'
    : 'Approve with {"approved": true}, or reject with {"approved": false, "reason": "why"}.';
}
