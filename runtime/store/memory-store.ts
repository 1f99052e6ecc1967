import type { RunEvent } from '../run-events.js';
import type {
  Commit,
  CommitOutcome,
  JournalEntry,
  JournalWrite,
  Lease,
  LeaseOptions,
  NewRun,
  RunFilter,
  Store,
  StoredRun,
} from './store.js';
import { storeArguments } from './store-arguments.js';
import {
  checkEvents,
  commitRefusal,
  holderRefusal,
  isFinished,
  leaseRefusal,
  readFilter,
  runExists,
  runFinished,
  runNotFound,
  storeClosed,
  storedJson,
} from './store-rules.js';

/** One run as the memory store keeps it: the run, its event log and its journal, in write order. */
interface Kept {
  run: StoredRun;
  readonly events: RunEvent[];
  readonly journal: JournalEntry[];
}

/**
 * A store that keeps runs in the process's memory: fast, and gone when the process ends. It keeps plain
 * copies of what it is given and hands out copies, so a caller that changes an object later never
 * changes what was stored. For runs that must survive a crash or wait for a person, use `SqliteStore`.
 *
 * @example
 * ```ts
 * import { MemoryStore } from 'baton-flow';
 *
 * const store = new MemoryStore();
 * const running = await store.list({ status: 'running' });
 * console.log(running.length); // 0
 * await store.close();
 * ```
 */
export class MemoryStore implements Store {
  private readonly runs = new Map<string, Kept>();
  private closed = false;

  /** Stores a new run, leased to its creator; `run_exists` if the id is taken. */
  async create(run: NewRun): Promise<void> {
    storeArguments.create(run);
    this.checkOpen();
    if (this.runs.has(run.id)) throw runExists(run.id);
    checkEvents(run.id, run.events, 0);
    const stored: StoredRun = {
      id: run.id,
      flow: run.flow,
      flowVersion: run.flowVersion,
      status: 'running',
      seq: 0,
      agent: null,
      usage: copy(run.usage),
      snapshot: copy(run.snapshot),
      lease: { ...run.lease },
      cancelRequested: false,
      createdAt: run.at,
      updatedAt: run.at,
    };
    this.runs.set(run.id, { run: stored, events: copy([...run.events]), journal: [] });
  }

  /** Commits one transition for the lease holder at the next sequence number; `store_conflict` otherwise. */
  async commit(commit: Commit): Promise<CommitOutcome> {
    storeArguments.commit(commit);
    const kept = this.find(commit.runId);
    const { run } = kept;
    const refusal = commitRefusal(
      { seq: run.seq, holder: run.lease?.holder ?? null, status: run.status },
      commit,
    );
    if (refusal) throw refusal;
    checkEvents(commit.runId, commit.events, kept.events.at(-1)?.seq ?? 0);
    // Each value is copied on its own, so that what JSON refuses is named as the other stores name it.
    const usage = copy(commit.usage);
    const snapshot = copy(commit.snapshot);
    const events = copy([...commit.events]);
    kept.run = {
      ...run,
      seq: commit.seq,
      status: commit.status,
      agent: commit.agent,
      usage,
      snapshot,
      updatedAt: commit.at,
    };
    kept.events.push(...events);
    return { cancelRequested: kept.run.cancelRequested };
  }

  /** A copy of the run, or null. */
  async get(runId: string): Promise<StoredRun | null> {
    storeArguments.get(runId);
    this.checkOpen();
    const kept = this.runs.get(runId);
    return kept ? copy(kept.run) : null;
  }

  /** Copies of the runs that match, newest first (by creation time, then id). */
  async list(filter: RunFilter = {}): Promise<StoredRun[]> {
    storeArguments.list(filter);
    this.checkOpen();
    const { statuses, limit } = readFilter(filter);
    return [...this.runs.values()]
      .map((kept) => kept.run)
      .filter((run) => (statuses === null || statuses.includes(run.status)) && matches(filter.flow, run.flow))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit)
      .map(copy);
  }

  /** Copies of the run's events after `after`, in order; none for an unknown run. */
  async events(runId: string, after = 0): Promise<RunEvent[]> {
    storeArguments.events(runId, after);
    this.checkOpen();
    const events = this.runs.get(runId)?.events ?? [];
    return copy(events.filter((event) => event.seq > after));
  }

  /** Takes or renews the lease of a run for `holder` until `now + ttlMs`, or throws `lease_held`. */
  async lease(
    runId: string,
    holder: string,
    now: number,
    ttlMs: number,
    options: LeaseOptions = {},
  ): Promise<Lease> {
    storeArguments.lease(runId, holder, now, ttlMs, options);
    const kept = this.find(runId);
    const refusal = leaseRefusal(runId, kept.run.lease, holder, now, options.renew);
    if (refusal) throw refusal;
    const lease = { holder, expiresAt: now + ttlMs };
    kept.run = { ...kept.run, lease };
    return { ...lease };
  }

  /** Lets go of the lease if `holder` holds it. */
  async release(runId: string, holder: string): Promise<void> {
    storeArguments.release(runId, holder);
    this.checkOpen();
    const kept = this.runs.get(runId);
    if (kept?.run.lease?.holder === holder) kept.run = { ...kept.run, lease: null };
  }

  /** Marks the run to be cancelled by whoever advances it. */
  async requestCancel(runId: string): Promise<void> {
    storeArguments.requestCancel(runId);
    const kept = this.find(runId);
    if (isFinished(kept.run.status)) throw runFinished(runId, kept.run.status);
    kept.run = { ...kept.run, cancelRequested: true };
  }

  /** Journals what an attempt finished; the first value for a (run, step, key) is kept. */
  async journal(write: JournalWrite): Promise<void> {
    storeArguments.journal(write);
    const { journal, run } = this.find(write.runId);
    const refusal = holderRefusal(write.runId, run.lease?.holder ?? null, write.holder, 'A journal entry');
    if (refusal) throw refusal;
    const { holder: _, ...entry } = write;
    if (journal.some((kept) => kept.step === entry.step && kept.key === entry.key)) return;
    journal.push({ ...entry, value: copy(entry.value) });
  }

  /** Copies of one step's journal, in the order it was written. */
  async journaled(runId: string, step: number): Promise<JournalEntry[]> {
    storeArguments.journaled(runId, step);
    this.checkOpen();
    const journal = this.runs.get(runId)?.journal ?? [];
    return copy(journal.filter((entry) => entry.step === step));
  }

  /** Deletes finished runs last updated before `before`, with their events and journal. */
  async deleteFinished(before: number): Promise<number> {
    storeArguments.deleteFinished(before);
    this.checkOpen();
    let deleted = 0;
    for (const [id, { run }] of this.runs) {
      if (!isFinished(run.status) || run.updatedAt >= before) continue;
      this.runs.delete(id);
      deleted += 1;
    }
    return deleted;
  }

  /** Drops every run; later calls fail with `store_error`. Closing again does nothing. */
  async close(): Promise<void> {
    this.closed = true;
    this.runs.clear();
  }

  private checkOpen(): void {
    if (this.closed) throw storeClosed();
  }

  private find(runId: string): Kept {
    this.checkOpen();
    const kept = this.runs.get(runId);
    if (!kept) throw runNotFound(runId);
    return kept;
  }
}

function matches(wanted: string | undefined, flow: string): boolean {
  return wanted === undefined || wanted === flow;
}

/**
 * A copy as a store that writes JSON gives it back: Infinity and NaN become null, undefined properties
 * vanish, so a run that passes on this store passes on a database too.
 */
function copy<T>(value: T): T {
  return JSON.parse(storedJson(value)) as T;
}
