import { BatonError } from '../contracts/errors.js';
import type { FlowContext } from '../machines/context.js';
import { type AnyFlow, type Flow, isFlow } from '../machines/define-flow.js';
import type { HumanWait } from '../machines/verdict.js';
import { checkModelsOption } from './check-models.js';
import type { RunEvent } from './run-events.js';
import type { RunOptions } from './run-flow.js';
import { checkRunId, checkRunOptions, notAFlow } from './run-options.js';
import type { StoredRunResult } from './run-result.js';
import { openEnvelope, type SnapshotMigrations } from './store/envelope.js';
import { FINISHED_STATUSES, type Store, type StoredRun } from './store/store.js';
import { advanceStored, contextOf, leaseMsOf, newHolder, type StoredStart } from './stored-run.js';
import { systemClock } from './system-clock.js';
import { traceRun } from './telemetry/trace-run.js';

/**
 * Options of `resumeRun`: the store the run is in, migrations for snapshots of earlier versions, and the
 * run's own options as for `runFlow` (its id, and so `runId` and `ids`, come from the store).
 */
export type ResumeOptions = Pick<
  RunOptions,
  | 'signal'
  | 'clock'
  | 'models'
  | 'onEvent'
  | 'events'
  | 'inspect'
  | 'tracer'
  | 'traceContent'
  | 'holder'
  | 'leaseMs'
> & {
  readonly store: Store;
  /** Turns snapshots stored by an earlier version of the flow into this one, by that version. */
  readonly migrations?: SnapshotMigrations;
};

/**
 * Continues a stored run from its last commit, in this process, to its end. The attempt that was in flight
 * when the run stopped starts again: the model replies and tool results it had journaled are replayed,
 * not paid for again, and the call that was in flight is sent again with the same idempotency key. The
 * deadline is the one the run started with. Rejects, changing nothing in the store, with
 * `run_not_found`, `run_finished` (the run has ended), `snapshot_incompatible` (the snapshot was taken
 * from another version of the flow and no migration applies), `lease_held` (another process is
 * advancing it; the error names it and when its lease expires) or `run_waiting` (it waits for a person:
 * `answerRun` goes on with it). A waiting run whose answer is overdue (`limits.humanMs`) ends
 * `escalated` / `human_timeout` as it is resumed. A run that asks a person again resolves as
 * `awaiting_human`.
 *
 * @example
 * ```ts
 * import { type AnyFlow, MemoryStore, resumeRun } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 * declare const store: MemoryStore; // the store the run was started with: runFlow(flow, input, { store })
 *
 * const result = await resumeRun(support, 'run-42', { store });
 * console.log(result.status, result.usage.turns);
 * ```
 */
export async function resumeRun<Id extends string, I, O, N extends string>(
  flow: Flow<Id, I, O, N>,
  runId: string,
  options: ResumeOptions,
): Promise<StoredRunResult<O>> {
  if (!isFlow(flow)) throw notAFlow('resumeRun');
  checkRunId(`resumeRun(flow "${flow.id}")`, runId);
  checkRunOptions(`resumeRun(flow "${flow.id}")`, options, true);
  if (options.tracer) return traceRun(flow, options, (traced) => resumeRun(flow, runId, traced));
  leaseMsOf(options.leaseMs);
  const opened = await openStoredRun(flow, runId, options, 'resumeRun');
  const { context } = opened;
  if (opened.run.status === 'awaiting_human') {
    const wait = waitOf(context, runId);
    const clock = options.clock ?? systemClock;
    if (wait.expiresAt === null || clock.now() < wait.expiresAt) {
      throw new BatonError(
        'run_waiting',
        `Run "${runId}" waits for a person's answer to ${wait.id} (agent "${wait.agent}"): ${wait.question} ` +
          `Answer it with \`baton answer ${runId} <answer>\` or answerRun(); resuming does not answer it.`,
        { details: { runId, question: wait } },
      );
    }
    // Nobody answered in time: resuming ends the wait as human_timeout.
    return continueStored<O>(flow, opened, options, { kind: 'timeout', question: wait.id });
  }
  return continueStored<O>(flow, opened, options);
}

/** A stored run opened for going on: its record, its restored snapshot and that snapshot's context. */
export interface OpenedRun {
  readonly run: StoredRun;
  readonly snapshot: unknown;
  readonly context: FlowContext;
}

/**
 * Reads a stored run and opens its snapshot for `flow`, changing nothing: `run_not_found`,
 * `run_finished`, or `snapshot_incompatible` when it cannot be.
 */
export async function openStoredRun(
  flow: Flow<string, unknown, unknown, string> | AnyFlow,
  runId: string,
  options: ResumeOptions,
  caller: string,
): Promise<OpenedRun> {
  if (!isFlow(flow))
    throw new BatonError(
      'invalid_argument',
      `${caller} expects a flow made by defineFlow as its first argument.`,
    );
  checkModelsOption(flow, options.models);
  const { store } = options;
  const run = await store.get(runId);
  if (!run)
    throw new BatonError(
      'run_not_found',
      `The store has no run "${runId}". List the stored runs with \`baton runs\`.`,
      {
        details: { runId },
      },
    );
  if (FINISHED_STATUSES.includes(run.status))
    throw new BatonError(
      'run_finished',
      `Run "${runId}" ended ${run.status} already: there is nothing to resume.`,
      {
        details: { runId, status: run.status },
      },
    );
  const snapshot = openEnvelope(flow, run.snapshot, runId, options.migrations);
  const context = contextOf(snapshot);
  if (!context)
    throw new BatonError('snapshot_incompatible', `Run "${runId}" has a snapshot without a flow context.`, {
      details: { runId },
    });
  return { run, snapshot, context };
}

/** The question a waiting run's context holds. */
export function waitOf(context: FlowContext, runId: string): HumanWait {
  const verdict = context.verdict;
  if (verdict?.kind !== 'wait')
    throw new BatonError(
      'snapshot_incompatible',
      `Run "${runId}" waits for a person but holds no question.`,
      {
        details: { runId },
      },
    );
  return verdict.wait;
}

/**
 * Takes the lease of an opened run and goes on with it in this process, from its last commit; with
 * `human`, by answering its question or ending its wait. If another process committed between the read
 * and the lease, `reopen` reads the run again.
 */
export async function continueStored<O>(
  flow: AnyFlow,
  opened: OpenedRun,
  options: ResumeOptions,
  human?: Extract<StoredStart, { kind: 'resume' }>['human'],
  reopen: () => Promise<StoredRunResult<O>> = () =>
    resumeRun(flow as Flow<string, unknown, O, string>, opened.run.id, options),
): Promise<StoredRunResult<O>> {
  const { run, snapshot, context } = opened;
  const { store } = options;
  const runId = run.id;
  const clock = options.clock ?? systemClock;
  const holder = options.holder ?? newHolder();
  const leaseMs = leaseMsOf(options.leaseMs);
  await store.lease(runId, holder, clock.now(), leaseMs);
  // What the last holder committed until the lease became ours: read again now that nobody else writes.
  let latest: StoredRun;
  let prior: RunEvent[];
  let journal: Awaited<ReturnType<Store['journaled']>>;
  try {
    latest = (await store.get(runId)) ?? run;
    if (latest.seq !== run.seq) {
      await store.release(runId, holder);
      return await reopen();
    }
    [prior, journal] = await Promise.all([store.events(runId), store.journaled(runId, context.step)]);
  } catch (error) {
    await store.release(runId, holder).catch(() => undefined);
    throw error;
  }
  const wait = human && context.verdict?.kind === 'wait' ? context.verdict.wait : null;
  // An answer moves the deadline on by the time the run waited, as the machine's answer does.
  const deadline =
    human?.kind === 'answer' && wait && context.deadline !== null
      ? context.deadline + Math.max(0, human.at - wait.askedAt)
      : context.deadline;
  return advanceStored<O>(
    flow as Flow,
    {
      kind: 'resume',
      snapshot,
      seq: latest.seq,
      prior,
      deadline,
      recalledStep: context.step,
      recalled: new Map(journal.map((entry) => [entry.key, entry.value])),
      cancelled: run.cancelRequested,
      ...(human ? { human } : {}),
    },
    { ...options, store, holder, leaseMs, clock, runId },
  );
}
