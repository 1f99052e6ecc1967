import type { Clock } from '../agents/clock.js';
import { frozenData } from '../contracts/json-value.js';
import type { RunEventSink } from '../machines/run-env.js';
import type { RunEvent, RunEventBody } from './run-events.js';

/** An event body while it is being stamped with its place in the run. */
type Stampable = { runId?: string; seq?: number; at?: number };

/**
 * The event log of one run: every event is stamped with the run id, its sequence number and the clock's
 * time, in order. A listener gets each event stamped as it happens, and frozen. Without a listener the log keeps each
 * body with its time and stamps them all when the run ends: a parked run holds no stamps, which V8 would
 * otherwise keep in a second property array per event.
 */
export class RunLog implements RunEventSink {
  /** Whether any event is built at all: only when the log is kept or someone listens. */
  readonly listening: boolean;
  private readonly bodies: RunEventBody[] = [];
  private readonly times: number[] = [];
  private seq = 0;
  private failure: { readonly error: unknown } | null = null;
  private closed = false;
  private readonly keep: boolean;
  private readonly onEvent: ((event: RunEvent) => void) | undefined;
  private readonly tap: ((event: RunEvent) => void) | undefined;

  constructor(
    private readonly runId: string,
    private readonly clock: Clock,
    options: {
      readonly keep: boolean;
      readonly onEvent?: ((event: RunEvent) => void) | undefined;
      /** The events a stored run had before this process took it up: the log goes on after them. */
      readonly prior?: readonly RunEvent[];
      /** Gets every event as it happens, stamped, whatever the listener does: a stored run's commits. */
      readonly tap?: ((event: RunEvent) => void) | undefined;
    },
  ) {
    this.keep = options.keep;
    this.onEvent = options.onEvent;
    this.tap = options.tap;
    this.listening = this.keep || this.onEvent !== undefined || this.tap !== undefined;
    const prior = options.prior ?? [];
    if (prior.length > 0 && this.tap === undefined)
      throw new Error('RunLog: prior events come with a tap, so new ones are stamped as they happen');
    this.seq = prior.length;
    if (this.keep) this.bodies.push(...(prior as readonly RunEventBody[]));
  }

  /** Records an event of the run; a no-op when nobody listens. */
  record(body: RunEventBody): void {
    if (!this.listening || this.closed) return;
    const at = this.clock.now();
    this.seq += 1;
    if (this.onEvent || this.tap) {
      // Event bodies are fresh objects made for this log alone, so they are stamped in place, then frozen:
      // what a listener does to the event it is handed cannot change the run's log or what a store keeps.
      stamp(body as Stampable, this.runId, this.seq, at);
      frozenData(body);
      if (this.keep) this.bodies.push(body);
      this.tap?.(body as RunEvent);
      this.notify(body as RunEvent);
      return;
    }
    this.bodies.push(body);
    this.times.push(at);
  }

  /** What the listener threw, if it did: the run reports it when it ends. */
  get listenerFailure(): { readonly error: unknown } | null {
    return this.failure;
  }

  /**
   * Hands an event to the listener. A listener that throws is not called again, and its error is kept
   * for the end of the run: it must not stop the run halfway, nor pass for a failure of the agent whose
   * turn happened to record the event.
   */
  private notify(event: RunEvent): void {
    if (this.failure) return;
    try {
      this.onEvent?.(event);
    } catch (error) {
      this.failure = { error };
    }
  }

  /** Seals the log and hands out its events, stamped: later events are dropped. */
  close(): readonly RunEvent[] {
    this.closed = true;
    const { bodies, times } = this;
    // Bodies the listener saw were stamped as they happened; the others have their times here.
    for (let i = 0; i < times.length; i += 1) stamp(bodies[i] as Stampable, this.runId, i + 1, times[i]!);
    return bodies as RunEvent[];
  }
}

function stamp(event: Stampable, runId: string, seq: number, at: number): void {
  event.runId = runId;
  event.seq = seq;
  event.at = at;
}
