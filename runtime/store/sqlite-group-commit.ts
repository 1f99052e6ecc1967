import { type BatonError, isBatonError } from '../../contracts/errors.js';
import { type SqliteDatabase, transaction } from './sqlite-database.js';

/** One write waiting for its transaction: its work, and how to tell its caller what came of it. */
interface Write {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: BatonError) => void;
}

/** What one transaction of several writes came to. */
type Batch =
  | { readonly kind: 'committed'; readonly outcomes: readonly Outcome[] }
  /** The transaction itself failed (its lock, its commit): none of its writes is kept. */
  | { readonly kind: 'failed'; readonly error: unknown }
  /** SQLite failed in a write (a full disk, an I/O error): the transaction was rolled back. */
  | { readonly kind: 'lost' };

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: BatonError };

/**
 * Node's `setImmediate`, taken when this module loads: a test's fake timers replace the global one, and a
 * write held back by them would never be written.
 */
const atEndOfTurn = globalThis.setImmediate;

const SAVEPOINT = 'baton_write';

/**
 * Group commit on one SQLite connection. A write that finds the connection idle is written at once, in a
 * transaction of its own, so one run committing alone waits for nothing. Writes that arrive while the
 * event loop is still in the turn that wrote (the other runs whose turns came due during its fsync) wait
 * for that turn to end and are then written together, in one transaction: one fsync for all of them.
 *
 * Each write keeps its own outcome. In a shared transaction it runs inside a savepoint: a write the
 * store refuses (a fence it did not pass, a run that is not there) is rolled back alone and the others
 * are committed. When SQLite itself fails in a write (a full disk, an I/O error), the shared transaction
 * is rolled back and its writes are tried again one transaction each, so that each gets the outcome of
 * its own. A failure of the transaction itself (the write lock
 * could not be had, the commit failed) fails every write in it with that error, retryable or not as the
 * error is, and leaves the file as it was. Writes are applied in the order they were asked for.
 */
export class GroupCommit {
  private waiting: Write[] = [];
  /** Whether this turn of the event loop has written: later writes wait for the turn's end. */
  private turnTaken = false;

  /**
   * `failure` turns what a write threw into the error its caller gets (a `BatonError` passes through). It
   * is called as soon as the error is caught, before the connection runs anything else, so that the
   * store can forget a statement that failed.
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly failure: (error: unknown) => BatonError,
  ) {}

  /** Runs `work` in a write transaction, alone or shared with others; resolves once it is committed. */
  write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.turnTaken) this.flush();
    });
  }

  /** Writes what waits now, before the connection closes. */
  drain(): void {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length > 0) this.writeBatch(batch);
  }

  private readonly flush = (): void => {
    const batch = this.waiting;
    if (batch.length === 0) {
      this.turnTaken = false;
      return;
    }
    this.waiting = [];
    this.turnTaken = true;
    atEndOfTurn(this.flush);
    this.writeBatch(batch);
  };

  private writeBatch(batch: readonly Write[]): void {
    const [only] = batch;
    if (batch.length === 1 && only) {
      this.alone(only);
      return;
    }
    const result = this.together(batch);
    if (result.kind === 'committed') {
      batch.forEach((write, i) => {
        const outcome = result.outcomes[i];
        if (outcome?.ok) write.resolve(outcome.value);
        else if (outcome) write.reject(outcome.error);
      });
    } else if (result.kind === 'failed') {
      const failure = this.failure(result.error);
      for (const write of batch) write.reject(failure);
    } else {
      // The write that met the error is not always the one that caused it (an earlier write may have
      // filled the disk): each write is tried again in a transaction of its own, for an outcome of its own.
      for (const write of batch) this.alone(write);
    }
  }

  /** Writes one write in a plain transaction, without the savepoint a shared one needs. */
  private alone(write: Write): void {
    try {
      write.resolve(transaction(this.db, write.work));
    } catch (error) {
      write.reject(this.failure(error));
    }
  }

  /** Runs every write of `batch` in one transaction, each inside a savepoint of its own. */
  private together(batch: readonly Write[]): Batch {
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      return { kind: 'failed', error };
    }
    const outcomes: Outcome[] = [];
    for (const write of batch) {
      try {
        this.db.exec(`SAVEPOINT ${SAVEPOINT}`);
      } catch (error) {
        this.rollback();
        return { kind: 'failed', error };
      }
      try {
        const value = write.work();
        this.db.exec(`RELEASE ${SAVEPOINT}`);
        outcomes.push({ ok: true, value });
      } catch (error) {
        const failure = this.failure(error);
        // SQLite's own failures (a full disk, an I/O error) may end the transaction, or leave it holding
        // what the failed write took (the pages of a full disk): the shared transaction is given up.
        if (!isBatonError(error)) {
          this.rollback();
          return { kind: 'lost' };
        }
        try {
          this.db.exec(`ROLLBACK TO ${SAVEPOINT}`);
          this.db.exec(`RELEASE ${SAVEPOINT}`);
        } catch {
          this.rollback();
          return { kind: 'lost' };
        }
        outcomes.push({ ok: false, error: failure });
      }
    }
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      this.rollback();
      return { kind: 'failed', error };
    }
    return { kind: 'committed', outcomes };
  }

  private rollback(): void {
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // SQLite already rolled back (a full disk or an I/O error ends the transaction): nothing is left.
    }
  }
}
