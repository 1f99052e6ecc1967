/**
 * Runs on many machines: a store in Postgres (through `pg`) and workers that take runs from a pg-boss
 * queue, so any worker can take over any run. Both packages are optional dependencies of baton-flow:
 * `npm install pg pg-boss` to use this entry point; the root entry point never loads them.
 *
 * @module baton-flow/postgres
 */

export type {
  PostgresClient,
  PostgresConnection,
  PostgresPool,
  PostgresQueryable,
  PostgresResult,
  PostgresTarget,
} from './runtime/store/postgres-driver.js';
export type { PostgresStoreOptions, QueuedRun, StrandedRun } from './runtime/store/postgres-options.js';
export { PostgresStore } from './runtime/store/postgres-store.js';
export type {
  AnswerEnqueued,
  EnqueueAnswer,
  EnqueueAnswerResult,
} from './runtime/worker/enqueue-answer.js';
export { enqueueAnswer } from './runtime/worker/enqueue-answer.js';
export type { EnqueueNewRun, EnqueueStoredRun } from './runtime/worker/enqueue-run.js';
export { enqueueRun } from './runtime/worker/enqueue-run.js';
export type { Worker } from './runtime/worker/start-worker.js';
export { startWorker } from './runtime/worker/start-worker.js';
export type { WorkerModels } from './runtime/worker/worker-models.js';
export type { WorkerEvent, WorkerLimits, WorkerOptions } from './runtime/worker/worker-options.js';
