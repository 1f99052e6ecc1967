import type { Clock } from '../../agents/clock.js';
import type { BatonError } from '../../contracts/errors.js';
import {
  isConnectionFailure,
  type PostgresClient,
  type PostgresResult,
  postgresFailure,
} from '../store/postgres-driver.js';
import type { PostgresStore } from '../store/postgres-store.js';

/** What the worker hears on its connection. */
export interface ControlHandlers {
  /** A NOTIFY on one of the store's channels: `cancel` (a run id), `work` (a flow id), `slot`. */
  readonly notify: (kind: 'cancel' | 'work' | 'slot', payload: string) => void;
  /** The connection broke: the session locks it held are gone, and notifications may have been missed. */
  readonly lost: (error: BatonError) => void;
  /** A new connection listens again; what was notified while none listened was missed. */
  readonly reconnected: () => void;
}

const KINDS = ['cancel', 'work', 'slot'] as const;
const SERVE_FLOWS =
  'SELECT pg_advisory_lock_shared(hashtext($1), hashtext(flow)) FROM unnest($2::text[]) AS flow';
const FIRST_RETRY_MS = 200;
const LAST_RETRY_MS = 5_000;
/** How long closing waits for the server to let go of the connection's locks. */
const UNLOCK_WAIT_MS = 1_000;

/**
 * A worker's own connection to Postgres, outside the pool's turn-taking: it LISTENs for cancels, new jobs
 * and freed slots, and holds the session-level advisory locks of concurrency slots and of the flows it
 * serves (the server lets go of them when the connection ends, so a worker that dies holds none). When it breaks it reconnects with a
 * growing delay; until then cancels still arrive at the next lease renewal.
 */
export class Control {
  private client: PostgresClient | null = null;
  private connecting: Promise<PostgresClient> | null = null;
  private closed = false;
  private retryMs = FIRST_RETRY_MS;
  private timer: unknown = null;
  /** Which connection this is: a slot taken on an earlier one was let go of when it broke. */
  generation = 0;

  constructor(
    private readonly store: PostgresStore,
    private readonly clock: Clock,
    private readonly handlers: ControlHandlers,
    /** The flows the worker advances: announced on each connection (`PostgresStore.servedFlows` reads them). */
    private readonly flows: readonly string[] = [],
  ) {}

  /** Connects and listens; rejects with the store's error when the server cannot be reached. */
  async open(): Promise<void> {
    await this.connect();
  }

  /** Runs one statement on this connection, connecting again first if it broke. */
  async query(text: string, values: unknown[]): Promise<PostgresResult> {
    return (await this.queryOn(text, values)).result;
  }

  /**
   * Runs one statement as `query` does, and says on which connection (its `generation`) it ran: the
   * connection may have been replaced while the statement waited for it, and session locks belong to
   * the connection that took them.
   */
  async queryOn(text: string, values: unknown[]): Promise<{ result: PostgresResult; generation: number }> {
    const client = await this.connect();
    // `connect` resolved with the current connection, and nothing ran since: this is its generation.
    const generation = this.generation;
    try {
      return { result: await client.query(text, values), generation };
    } catch (error) {
      if (isConnectionFailure(error)) this.drop(client, error as Error);
      throw postgresFailure(error, this.store.target);
    }
  }

  /**
   * Lets go of every lock the connection holds, then closes it. The server would let go of them when the
   * connection ends, but only once its backend has exited, after the close returned: `baton runs` just
   * after a worker stopped could still count it as serving its flows. A server that does not answer
   * within a second is not waited for.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    if (!client) return;
    let timer: unknown;
    await Promise.race([
      client.query('SELECT pg_advisory_unlock_all()').then(
        () => undefined,
        () => undefined,
      ),
      new Promise<void>((done) => {
        timer = this.clock.setTimeout(done, UNLOCK_WAIT_MS);
      }),
    ]);
    this.clock.clearTimeout(timer);
    client.release(true);
  }

  private connect(): Promise<PostgresClient> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.listen().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async listen(): Promise<PostgresClient> {
    const client = await this.store.dedicatedClient();
    client.on('error', (error) => this.drop(client, error));
    client.on('end', () => this.drop(client, new Error('Connection terminated')));
    client.on('notification', ({ channel, payload }) => {
      const kind = KINDS.find((k) => this.store.channel(k) === channel);
      if (kind) this.handlers.notify(kind, payload ?? '');
    });
    try {
      await client.query(KINDS.map((kind) => `LISTEN ${this.store.channel(kind)}`).join('; '));
      // A shared session lock per flow served: it tells `baton runs` that some live worker has the flow,
      // and the server lets go of it when this connection ends.
      if (this.flows.length > 0) await client.query(SERVE_FLOWS, [this.store.servesKey, this.flows]);
    } catch (error) {
      client.release(true);
      throw postgresFailure(error, this.store.target);
    }
    if (this.closed) {
      client.release(true);
      throw postgresFailure(new Error('the worker stopped'), this.store.target);
    }
    this.client = client;
    this.generation += 1;
    this.retryMs = FIRST_RETRY_MS;
    return client;
  }

  /** Forgets a broken connection and tries to connect again, later and later. */
  private drop(client: PostgresClient, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    client.release(error);
    this.handlers.lost(postgresFailure(error, this.store.target));
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.connect().then(
        () => this.handlers.reconnected(),
        () => {
          this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
          this.reconnectLater();
        },
      );
    }, this.retryMs);
  }
}
