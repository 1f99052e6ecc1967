import type { RunUsage } from '../../machines/context.js';
import type { RunEvent } from '../run-events.js';

/**
 * Where a stored run stands. `running` is being advanced (or was, by a process that died: its lease tells);
 * `awaiting_human` waits for a person's answer and holds no process; the four final statuses are a run's
 * ending and never change again.
 */
export type StoredStatus = 'running' | 'awaiting_human' | 'done' | 'escalated' | 'failed' | 'cancelled';

/** Every status a stored run can have. */
export const STORED_STATUSES: readonly StoredStatus[] = [
  'running',
  'awaiting_human',
  'done',
  'escalated',
  'failed',
  'cancelled',
];

/** The statuses a run ends in: a stored run in one of them is finished, and `gc` may delete it. */
export const FINISHED_STATUSES: readonly StoredStatus[] = ['done', 'escalated', 'failed', 'cancelled'];

/**
 * An XState snapshot as Baton stores it. XState's persisted snapshots carry no machine id or version, so
 * the envelope names the flow, its version and a hash of its machine's definition: a snapshot is restored
 * only into the machine it was taken from (or through a migration), never silently into a changed one.
 */
export interface SnapshotEnvelope {
  readonly format: 'baton.snapshot';
  /** The envelope's own schema version (`SNAPSHOT_SCHEMA`), for migrating envelopes Baton wrote earlier. */
  readonly schema: number;
  readonly flow: string;
  /** The flow's declared version (`defineFlow({ version })`, default `'1'`). */
  readonly flowVersion: string;
  /** A hash of the flow's definition (agents, routes, limits, contracts; not prompts): it changes when the flow does. */
  readonly machine: string;
  /** The machine's state names when the snapshot was taken, to name what changed when it is refused. */
  readonly states: readonly string[];
  /** `actor.getPersistedSnapshot()`: plain JSON. */
  readonly snapshot: unknown;
}

/** The current version of `SnapshotEnvelope`. */
export const SNAPSHOT_SCHEMA = 1;

/** A lease on a run: who may advance it, and until when (the store's clock, ms since the epoch). */
export interface Lease {
  readonly holder: string;
  readonly expiresAt: number;
}

/** A run as the store keeps it: its identity, where it stands, and its latest committed snapshot. */
export interface StoredRun {
  readonly id: string;
  readonly flow: string;
  readonly flowVersion: string;
  readonly status: StoredStatus;
  /** Committed transitions so far: the fence a commit must follow (the next commit is `seq + 1`). */
  readonly seq: number;
  /** The agent the run is in (or ended in), or null before the first. */
  readonly agent: string | null;
  readonly usage: RunUsage;
  readonly snapshot: SnapshotEnvelope;
  readonly lease: Lease | null;
  /** Set by `requestCancel`: the process advancing the run cancels it at its next transition or sooner. */
  readonly cancelRequested: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What `create` stores: a new run and its first snapshot, leased to the process that starts it. */
export interface NewRun {
  readonly id: string;
  readonly flow: string;
  readonly flowVersion: string;
  readonly snapshot: SnapshotEnvelope;
  readonly usage: RunUsage;
  readonly lease: Lease;
  readonly events: readonly RunEvent[];
  readonly at: number;
}

/**
 * One transition of a run, committed at once: its snapshot, status and usage, and the events it
 * produced, appended to the run's log. It commits only for the lease holder at the expected sequence
 * number, so a process that lost its lease can never write over a newer one.
 */
export interface Commit {
  readonly runId: string;
  /** The sequence number this commit makes: the stored `seq` + 1. */
  readonly seq: number;
  readonly holder: string;
  readonly status: StoredStatus;
  readonly agent: string | null;
  readonly usage: RunUsage;
  readonly snapshot: SnapshotEnvelope;
  readonly events: readonly RunEvent[];
  readonly at: number;
}

/**
 * What an attempt finished inside a visit, kept under its run, step and key (`model:<turn>` for a model
 * reply, `tool:<callId>` for a tool result), so a resumed run replays it instead of paying for it again.
 */
export interface JournalEntry {
  readonly runId: string;
  readonly step: number;
  readonly key: string;
  readonly value: unknown;
  readonly at: number;
}

/** A journal entry as its writer gives it: with the lease holder that writes it. */
export interface JournalWrite extends JournalEntry {
  /** The writer: the store keeps the entry only while it holds the run's lease. */
  readonly holder: string;
}

/** How `Store.lease` takes the lease. */
export interface LeaseOptions {
  /**
   * Only extend a lease the holder holds already (expired or not, while no other process took it): a
   * holder whose lease was taken over, or let go of after a takeover, gets `store_conflict` instead of
   * the lease back, and must stop.
   */
  readonly renew?: boolean;
}

/** What a commit tells its writer: whether another process asked for the run to be cancelled. */
export interface CommitOutcome {
  readonly cancelRequested: boolean;
}

/** Which runs `list` returns, newest first. */
export interface RunFilter {
  readonly status?: StoredStatus | readonly StoredStatus[];
  readonly flow?: string;
  /** At most this many (default 100). */
  readonly limit?: number;
}

/**
 * Where runs live between transitions and across processes. Every method is async so a store can be a
 * database server; `MemoryStore` and `SqliteStore` implement it, and `test/runtime/store-contract.ts` is the
 * one suite every implementation passes. Errors are `BatonError`s: `run_not_found`, `run_exists`,
 * `lease_held` (details: holder, expiresAt), `store_conflict` (a commit out of sequence or without the
 * lease), `store_error` (the storage itself failed; details.retryable says whether trying again may help).
 */
export interface Store {
  /** Stores a new run with its first snapshot and events, leased to `run.lease.holder`. `run_exists` if the id is taken. */
  create(run: NewRun): Promise<void>;
  /**
   * Commits one transition; `store_conflict` unless `commit.seq` is the stored seq + 1, the holder holds the
   * lease and the run has not ended. A holder whose lease expired still holds it until another takes it.
   * Says whether a cancel was requested, so the process advancing the run notices it at this transition.
   */
  commit(commit: Commit): Promise<CommitOutcome>;
  /** The run, or null when there is none with that id. */
  get(runId: string): Promise<StoredRun | null>;
  /** The runs that match, newest first. */
  list(filter?: RunFilter): Promise<StoredRun[]>;
  /** The run's events in order, after the event sequence number `after` (default: all). */
  events(runId: string, after?: number): Promise<RunEvent[]>;
  /**
   * Takes or renews the lease of a run for `holder` until `now + ttlMs`: granted when the run has no
   * lease, its lease expired, or `holder` holds it. Otherwise `lease_held`, naming the holder and when its
   * lease expires. With `renew`, granted only when `holder` holds it (`store_conflict` otherwise).
   * `run_not_found` for an unknown id.
   */
  lease(runId: string, holder: string, now: number, ttlMs: number, options?: LeaseOptions): Promise<Lease>;
  /** Lets go of the lease if `holder` holds it; a no-op otherwise. */
  release(runId: string, holder: string): Promise<void>;
  /** Marks the run to be cancelled by whoever advances it. `run_not_found` for an unknown id, `run_finished` for a run that has ended. */
  requestCancel(runId: string): Promise<void>;
  /**
   * Journals what an attempt of the lease holder finished; writing the same (runId, step, key) again keeps
   * the first value. `store_conflict` when `entry.holder` does not hold the run's lease (another process
   * took the run over): the writer must not pay for anything more. `run_not_found` for an unknown id.
   */
  journal(entry: JournalWrite): Promise<void>;
  /** The journal of one step of a run, in the order it was written. */
  journaled(runId: string, step: number): Promise<JournalEntry[]>;
  /** Deletes finished runs (and their events and journal) last updated before `before`; returns how many. */
  deleteFinished(before: number): Promise<number>;
  /** Closes the store; later calls fail. */
  close(): Promise<void>;
}
