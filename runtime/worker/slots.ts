import type { Clock } from '../../agents/clock.js';
import { BatonError, isBatonError } from '../../contracts/errors.js';
import type { Control } from './control.js';

/** A slot taken: which limit, which of its slots, on which connection. */
export interface SlotToken {
  readonly key: string;
  readonly slot: number;
  readonly generation: number;
}

/** How long a waiter sleeps between tries when no freed slot wakes it first. */
const RETRY_MS = 1_000;

/**
 * Concurrency limits shared by every worker on a database: a limit of N for a key (`flow:<id>`,
 * `agent:<name>`) is N session-level advisory locks, `(hashtext('<schema>:<key>'), 0..N-1)`, taken on the
 * worker's own connection. A slot is held while a run of the flow is advanced, or a model call of the
 * agent is in flight; the server lets go of a dead worker's slots when its connection ends. A freed slot
 * is announced on the `slot` channel, so waiters elsewhere try again at once.
 */
export class Slots {
  private readonly held = new Map<string, Set<number>>();
  private readonly waiters = new Set<() => void>();
  /** Session locks are re-entrant: takes and gives go one at a time, so no slot is taken twice here. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly control: Control,
    private readonly schema: string,
    private readonly clock: Clock,
  ) {}

  /** Takes up to `count` free slots of the `limit` a key has; maybe none. */
  tryTake(key: string, limit: number, count: number): Promise<SlotToken[]> {
    return this.serial(async () => {
      const mine = this.held.get(key) ?? new Set<number>();
      const free = Array.from({ length: limit }, (_, i) => i).filter((slot) => !mine.has(slot));
      if (free.length === 0 || count <= 0) return [];
      // The generation of the connection the locks were taken on, which may be a new one: a broken
      // connection is replaced before the statement runs.
      const { result, generation } = await this.control.queryOn(
        'SELECT slot FROM unnest($2::integer[]) AS slot WHERE pg_try_advisory_lock(hashtext($1), slot) LIMIT $3',
        [this.lockName(key), free, count],
      );
      // Taken on a connection that broke after the statement: the server has let go of them already.
      if (generation !== this.control.generation) return [];
      this.held.set(key, mine);
      return result.rows.map((row) => {
        const slot = Number(row.slot);
        mine.add(slot);
        return { key, slot, generation };
      });
    });
  }

  /**
   * Takes a slot of the key, waiting for one to be freed; rejects with `aborted` when `signal` aborts. A
   * control connection that is down (a retryable `store_error`) is waited out like a busy slot: the call
   * is not failed for it (which would end its run for a passing fault of the database).
   */
  async take(key: string, limit: number, signal: AbortSignal): Promise<SlotToken> {
    for (;;) {
      if (signal.aborted)
        throw new BatonError('aborted', `Waiting for a slot of ${key} was aborted.`, {
          cause: signal.reason,
        });
      let token: SlotToken | undefined;
      try {
        [token] = await this.tryTake(key, limit, 1);
      } catch (error) {
        if (!isBatonError(error) || error.code !== 'store_error' || !error.retryable) throw error;
      }
      if (token) return token;
      await this.freed(signal);
    }
  }

  /** Gives a slot back, and tells the workers waiting for one. */
  give(token: SlotToken): Promise<void> {
    return this.serial(async () => {
      const mine = this.held.get(token.key);
      if (token.generation !== this.control.generation || !mine?.delete(token.slot)) return;
      await this.control
        .query('SELECT pg_advisory_unlock(hashtext($1), $2), pg_notify($3, $1)', [
          this.lockName(token.key),
          token.slot,
          `${this.schema}_slot`,
        ])
        .catch(() => undefined); // a broken connection let go of the lock already
      this.wake();
    });
  }

  /** The connection that held the slots broke: the server let go of them all. */
  lost(): void {
    this.held.clear();
    this.wake();
  }

  /** A slot was freed somewhere: the waiters try again. */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private freed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        this.clock.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, RETRY_MS);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private lockName(key: string): string {
    return `${this.schema}:${key}`;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work);
    this.turn = next.catch(() => undefined);
    return next;
  }
}
