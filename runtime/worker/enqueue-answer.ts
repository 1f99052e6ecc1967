import { randomUUID } from 'node:crypto';
import type { Clock } from '../../agents/clock.js';
import { BatonError } from '../../contracts/errors.js';
import type { Flow } from '../../machines/define-flow.js';
import { answerRun } from '../answer-run.js';
import type { StoredRunResult } from '../run-result.js';
import type { SnapshotMigrations } from '../store/envelope.js';
import type { PostgresStore } from '../store/postgres-store.js';
import type { Commit, CommitOutcome } from '../store/store.js';
import { RevocableStore } from './revocable-store.js';
import { RunQueue } from './run-queue.js';

/** What `enqueueAnswer` needs: the store, the run's flow, the run and the answer. */
export interface EnqueueAnswer<I = unknown, O = unknown> {
  readonly store: PostgresStore;
  /** The run's flow: the answer is applied by its machine, so its next state is what is committed. */
  readonly flow: Flow<string, I, O, string>;
  readonly runId: string;
  /** The answer: a string for an agent's question, `{ approved, reason? }` for an approval. */
  readonly answer: unknown;
  /** The id of the question answered, as for `answerRun`: an answer to a question the run left is refused. */
  readonly question?: string;
  /** The time the answer is taken at (default `systemClock`): it decides whether the wait's deadline passed. */
  readonly clock?: Clock;
  /** Migrations for snapshots stored by earlier versions of the flow, as for `resumeRun`. */
  readonly migrations?: SnapshotMigrations;
}

/** An answer that was taken: committed to the run, and the run sent to the workers of its flow. */
export interface AnswerEnqueued {
  readonly status: 'enqueued';
  readonly runId: string;
  readonly flow: string;
  /** The id of the question the answer was for. */
  readonly question: string;
}

/**
 * What `enqueueAnswer` comes to: the answer taken and the run handed to the workers, or, when taking the
 * answer settled the run at once (its wait was overdue, a person refused more of a limit, a cancel was
 * asked meanwhile), the run's result as `answerRun` gives it.
 */
export type EnqueueAnswerResult<O = unknown> = AnswerEnqueued | StoredRunResult<O>;

/** How long the answering process holds the run: should it die before handing the run over, this long. */
const ANSWER_LEASE_MS = 30_000;

/**
 * Answers the question a stored run waits on and hands the run to the workers of its flow, without going on
 * with it in this process: for the process that takes a person's answer (a web handler) in a deployment
 * where workers advance the runs. The answer is validated and taken exactly as `answerRun` takes it, with
 * the same refusals (`invalid_answer`, `already_answered` with the answer that won, `not_waiting`,
 * `run_finished`, `run_not_found`, `snapshot_incompatible`): this process leases the run, commits the
 * answer's transition (fenced, so of two answers only the first commits), and then, in one transaction,
 * lets go of the lease and sends the run's job, which wakes a worker at once. Nothing the answer leads to
 * (a model call, the approved tool) runs here. Should this process die after the answer's commit and
 * before the job, the run is still leased: the workers' sweep finds it when the lease expires (30 s).
 *
 * @example
 * ```ts
 * import type { AnyFlow } from 'baton-flow';
 * import { enqueueAnswer, PostgresStore } from 'baton-flow/postgres';
 *
 * declare const refunds: AnyFlow; // its refund tool needs a person's approval
 * const store = await PostgresStore.open('postgres://baton@127.0.0.1:5432/baton');
 *
 * // In the web handler that takes the approval: the refund itself runs in a worker.
 * const taken = await enqueueAnswer({ store, flow: refunds, runId: 'run-42', answer: { approved: true } });
 * if (taken.status === 'enqueued') console.log(`a worker goes on with ${taken.runId}`);
 * else console.log(`the run ended ${taken.status}`);
 * ```
 */
export async function enqueueAnswer<I, O>(options: EnqueueAnswer<I, O>): Promise<EnqueueAnswerResult<O>> {
  const { store, flow, runId } = options;
  const queue = await RunQueue.shared(store);
  await queue.ensure(flow.id);
  const holder = `answer:${randomUUID()}`;
  const view = new AnswerOnlyStore(store);
  let result: StoredRunResult<O>;
  try {
    result = await answerRun(flow, runId, options.answer, {
      store: view,
      holder,
      leaseMs: ANSWER_LEASE_MS,
      events: false,
      ...(options.question !== undefined ? { question: options.question } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
  } catch (error) {
    const answered = view.answered;
    if (!answered) throw error;
    // The answer is committed and the run stopped before anything it leads to: the workers go on from here.
    await store.releaseWith(runId, holder, (db) => queue.send(flow.id, runId, { db }));
    return { status: 'enqueued', runId, flow: flow.id, question: answered.question };
  }
  return result;
}

/**
 * The store as the answering process sees it: the first commit that moves the run on (the answer's
 * transition, status `running`) is made, and then every further write is refused here, before it
 * reaches the database, and the run is told its store failed, so it stops before its next paid action.
 * A commit that ends the run or leaves it waiting goes through as usual.
 */
class AnswerOnlyStore extends RevocableStore {
  /** The answer's commit, once it is made. */
  answered: { readonly question: string } | null = null;

  override async commit(commit: Commit): Promise<CommitOutcome> {
    const outcome = await super.commit(commit);
    if (commit.status !== 'running' || this.answered) return outcome;
    const taken = commit.events.find((event) => event.type === 'transition' && event.kind === 'answer');
    this.answered = { question: taken?.type === 'transition' ? String(taken.question) : '' };
    this.revoke();
    throw new BatonError(
      'store_conflict',
      'The answer is committed: the workers go on with the run from here, not this process.',
      { retryable: false },
    );
  }
}
