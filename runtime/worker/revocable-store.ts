import { BatonError } from '../../contracts/errors.js';
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
} from '../store/store.js';

/**
 * The store as one run a worker advances sees it, until the worker lets go of the run (`revoke()`):
 * from then on every write of the run (a commit, a lease renewal, a journal entry) is refused in this
 * process, before it reaches the database. A worker that stops releases what it cannot finish this way,
 * then aborts the run: the run's own ending is refused, so nothing but its last real commit stays stored,
 * and another worker goes on from there. Closing it leaves the store open.
 */
export class RevocableStore implements Store {
  private revoked = false;
  private cancelTold = false;

  constructor(private readonly store: Store) {}

  /**
   * The worker has cancelled the run through its signal (a NOTIFY came): from now on the store's cancel
   * flag is not reported to the run again, so the run is not told twice.
   */
  cancelled(): void {
    this.cancelTold = true;
  }

  /** Refuses every later write of the run. */
  revoke(): void {
    this.revoked = true;
  }

  create(run: NewRun): Promise<void> {
    return this.write(() => this.store.create(run));
  }

  commit(commit: Commit): Promise<CommitOutcome> {
    return this.write(async () => {
      const outcome = await this.store.commit(commit);
      return this.cancelTold ? { ...outcome, cancelRequested: false } : outcome;
    });
  }

  async get(runId: string): Promise<StoredRun | null> {
    const run = await this.store.get(runId);
    return run && this.cancelTold ? { ...run, cancelRequested: false } : run;
  }

  list(filter?: RunFilter): Promise<StoredRun[]> {
    return this.store.list(filter);
  }

  events(runId: string, after?: number): Promise<RunEvent[]> {
    return this.store.events(runId, after);
  }

  lease(runId: string, holder: string, now: number, ttlMs: number, options?: LeaseOptions): Promise<Lease> {
    return this.write(() => this.store.lease(runId, holder, now, ttlMs, options));
  }

  release(runId: string, holder: string): Promise<void> {
    return this.store.release(runId, holder);
  }

  requestCancel(runId: string): Promise<void> {
    return this.store.requestCancel(runId);
  }

  journal(entry: JournalWrite): Promise<void> {
    return this.write(() => this.store.journal(entry));
  }

  journaled(runId: string, step: number): Promise<JournalEntry[]> {
    return this.store.journaled(runId, step);
  }

  deleteFinished(before: number): Promise<number> {
    return this.store.deleteFinished(before);
  }

  async close(): Promise<void> {}

  private write<T>(work: () => Promise<T>): Promise<T> {
    if (this.revoked)
      return Promise.reject(
        new BatonError(
          'store_conflict',
          'The worker let go of this run: another worker goes on with it from its last commit.',
          { retryable: false },
        ),
      );
    return work();
  }
}
