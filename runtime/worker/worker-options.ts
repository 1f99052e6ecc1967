import type { Clock } from '../../agents/clock.js';
import { BatonError } from '../../contracts/errors.js';
import { type AnyFlow, isFlow } from '../../machines/define-flow.js';
import { checkModelsOption } from '../check-models.js';
import type { SnapshotMigrations } from '../store/envelope.js';
import type { PostgresStore } from '../store/postgres-store.js';
import { leaseMsOf, newHolder } from '../stored-run.js';
import { systemClock } from '../system-clock.js';
import type { WorkerModels } from './worker-models.js';

/**
 * Limits shared by every worker on one database (not per worker), so that fifty workers together stay
 * within, say, a provider's rate limit. A name that is not a flow or an agent of the worker's flows is
 * refused (`invalid_argument`).
 */
export interface WorkerLimits {
  /** At most this many runs of each named flow advanced at once. */
  readonly flows?: Readonly<Record<string, number>>;
  /** At most this many model calls of each named agent in flight at once (in any flow with that agent). */
  readonly agents?: Readonly<Record<string, number>>;
}

/** What a worker tells about the runs it takes, for logs and tests. */
export type WorkerEvent =
  /** It took a run's job and advances the run. */
  | { readonly type: 'run.taken'; readonly runId: string; readonly flow: string }
  /** It advanced the run to its end or to a wait (`status` is the stored status then). */
  | { readonly type: 'run.left'; readonly runId: string; readonly flow: string; readonly status: string }
  /** It had nothing to do for the job: the run ended already, waits for a person, or another process holds it. */
  | { readonly type: 'run.skipped'; readonly runId: string; readonly flow: string; readonly why: string }
  /** It stopped before the run was done: the run goes on in another worker from its last commit. */
  | { readonly type: 'run.released'; readonly runId: string; readonly flow: string }
  /** Advancing failed; pg-boss delivers the job again later (with a growing delay). */
  | { readonly type: 'run.failed'; readonly runId: string; readonly flow: string; readonly error: BatonError }
  /** The worker's own trouble (a lost connection, a queue that failed); it goes on trying. */
  | { readonly type: 'error'; readonly error: BatonError };

/** Options of `startWorker`. */
export interface WorkerOptions {
  /** The Postgres store of the runs; the worker's job queue (pg-boss) lives in the same database. */
  readonly store: PostgresStore;
  /** The flows whose runs this worker advances (their ids must differ); runs of other flows wait for a worker that has them. */
  readonly flows: readonly AnyFlow[];
  /** How many runs this worker advances at once (default 4). A run waiting for a person takes none. */
  readonly concurrency?: number;
  /** Limits shared by all workers on the database. */
  readonly limits?: WorkerLimits;
  /** How long a run's lease lasts without renewal (default 30 s): a dead worker's runs are taken over after it. */
  readonly leaseMs?: number;
  /** How often it looks for jobs when nothing woke it (default 2 s); a new job wakes it at once (NOTIFY). */
  readonly pollMs?: number;
  /** How often it looks for runs whose lease expired, to take them over (default: half the lease). */
  readonly sweepMs?: number;
  /** How long in-flight runs may take to finish when the worker stops (default 10 s); the rest are released. */
  readonly graceMs?: number;
  /** Replace the agents' models: one for all, or one per agent name (of any of the flows). */
  readonly models?: WorkerModels;
  /** Migrations for snapshots stored by earlier versions of the flows, as for `resumeRun`. */
  readonly migrations?: SnapshotMigrations;
  readonly clock?: Clock;
  /** The worker's id, the start of every lease it holds (default: host, process id and a random part). */
  readonly id?: string;
  /** Stops the worker, gracefully, when it aborts: pass the signal of your SIGTERM handler. */
  readonly signal?: AbortSignal;
  /** Told what the worker does; a listener that throws is ignored. */
  readonly onEvent?: (event: WorkerEvent) => void;
}

/** The options, checked and with their defaults. */
export interface WorkerSettings {
  readonly store: PostgresStore;
  readonly flows: ReadonlyMap<string, AnyFlow>;
  readonly concurrency: number;
  readonly flowLimits: Readonly<Record<string, number>>;
  readonly agentLimits: Readonly<Record<string, number>>;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly sweepMs: number;
  readonly graceMs: number;
  readonly models: WorkerModels | undefined;
  readonly migrations: SnapshotMigrations | undefined;
  readonly clock: Clock;
  readonly id: string;
}

const wrong = (message: string, details: Record<string, unknown> = {}) =>
  new BatonError('invalid_argument', `startWorker: ${message}`, { details });

function count(name: string, value: number | undefined, fallback: number, least = 1): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < least)
    throw wrong(`${name} must be a whole number, ${least} or more; got ${String(value)}.`, { [name]: value });
  return chosen;
}

function limitsOf(
  kind: 'flows' | 'agents',
  given: Readonly<Record<string, number>> | undefined,
  known: readonly string[],
): Readonly<Record<string, number>> {
  for (const [name, limit] of Object.entries(given ?? {})) {
    if (!known.includes(name))
      throw wrong(
        `limits.${kind} names "${name}", which is not one of the worker's ${kind} (${known.join(', ')}).`,
        {
          name,
          known,
        },
      );
    count(`limits.${kind}.${name}`, limit, limit);
  }
  return given ?? {};
}

/** Checks `startWorker`'s options before anything connects: `invalid_argument` says what is wrong. */
export function workerSettings(options: WorkerOptions): WorkerSettings {
  if (typeof options?.store?.channel !== 'function')
    throw wrong('store must be a PostgresStore (PostgresStore.open from baton-flow/postgres).');
  if (!Array.isArray(options.flows) || options.flows.length === 0)
    throw wrong('flows must list at least one flow made by defineFlow.');
  const flows = new Map<string, AnyFlow>();
  for (const flow of options.flows) {
    if (!isFlow(flow)) throw wrong('every entry of flows must be a flow made by defineFlow.');
    if (flows.has(flow.id))
      throw wrong(`two flows have the id "${flow.id}": a worker takes one flow per id.`);
    flows.set(flow.id, flow);
  }
  const agents = [...new Set([...flows.values()].flatMap((flow) => [...flow.agents.keys()]))];
  if (options.models !== undefined && typeof (options.models as { call?: unknown }).call !== 'function') {
    for (const name of Object.keys(options.models))
      if (!agents.includes(name))
        throw wrong(
          `models names "${name}", which is no agent of the worker's flows (${agents.join(', ')}).`,
        );
    for (const flow of flows.values()) {
      const own = Object.fromEntries(
        Object.entries(options.models).filter(([name]) => flow.agents.has(name)),
      );
      checkModelsOption(flow, own);
    }
  }
  const leaseMs = leaseMsOf(options.leaseMs);
  return {
    store: options.store,
    flows,
    concurrency: count('concurrency', options.concurrency, 4),
    flowLimits: limitsOf('flows', options.limits?.flows, [...flows.keys()]),
    agentLimits: limitsOf('agents', options.limits?.agents, agents),
    leaseMs,
    pollMs: count('pollMs', options.pollMs, 2_000),
    sweepMs: count('sweepMs', options.sweepMs, Math.max(1, Math.floor(leaseMs / 2))),
    graceMs: count('graceMs', options.graceMs, 10_000, 0),
    models: options.models,
    migrations: options.migrations,
    clock: options.clock ?? systemClock,
    id: options.id ?? newHolder(),
  };
}
