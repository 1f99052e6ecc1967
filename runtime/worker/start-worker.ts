import { asBatonError, RunWorker } from './run-worker.js';
import { type WorkerOptions, workerSettings } from './worker-options.js';

/** A running worker: what it advances now, and how to stop it. */
export interface Worker {
  /** The worker's id: every lease it holds starts with it. */
  readonly id: string;
  /** The ids of the runs it advances now. */
  running(): string[];
  /**
   * Stops the worker: it takes no more jobs, lets the runs in flight finish for `graceMs` (default: the
   * worker's), then releases the rest, which other workers take over at once from their last commit.
   * Resolves when nothing is left, or when the database stopped answering, after a few seconds more
   * (what it could not release is taken over once its lease expires); calling it again returns the same
   * promise.
   */
  stop(options?: { readonly graceMs?: number }): Promise<void>;
}

/**
 * Starts a worker that advances the runs of its flows: it takes their jobs from a pg-boss queue in the
 * store's database (`enqueueRun` sends them), leases each run, advances it with `resumeRun` to its end or
 * its next wait, and commits as it goes. pg-boss delivers the jobs, retries failed ones with a growing
 * delay, and expires lost ones; the run's lease and fenced commits make the outcome right: a job delivered
 * twice advances its run once, since the second delivery finds the run ended or leased by a live worker.
 * A run whose worker died (its lease expired) is found by the other workers' sweep and taken over, with no
 * step by anyone. A cancel from any process (`cancelRun`, `baton cancel`) reaches the worker holding the
 * run at once, through LISTEN / NOTIFY. A run that stops at a wait (`awaiting_human`) gives back its lease
 * and its slot: `enqueueRun({ store, runId })` hands it to the workers again. Stopping (`stop()`, or the
 * `signal`) takes no more jobs, lets the runs in flight finish for `graceMs`, and releases the rest to
 * other workers. Rejects with `invalid_argument` for bad options, `missing_dependency` when pg-boss is not
 * installed, and `store_error` when the database cannot be reached.
 *
 * @example
 * ```ts
 * import type { AnyFlow } from 'baton-flow';
 * import { PostgresStore, startWorker } from 'baton-flow/postgres';
 *
 * declare const support: AnyFlow;
 * const store = await PostgresStore.open('postgres://baton@127.0.0.1:5432/baton');
 * const stopping = new AbortController();
 * process.once('SIGTERM', () => stopping.abort());
 *
 * const worker = await startWorker({
 *   store,
 *   flows: [support],
 *   concurrency: 8,
 *   limits: { agents: { triage: 20 } }, // at most 20 triage calls in flight across all workers
 *   signal: stopping.signal,
 *   onEvent: (event) => console.log(event.type, 'runId' in event ? event.runId : ''),
 * });
 * console.log(`worker ${worker.id} started`);
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const settings = workerSettings(options);
  const worker = new RunWorker(settings, options.onEvent);
  await worker.start();
  if (options.signal) {
    const signal = options.signal;
    const stop = () => {
      worker
        .stop()
        .catch((error: unknown) => options.onEvent?.({ type: 'error', error: asBatonError(error) }));
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }
  return worker;
}
