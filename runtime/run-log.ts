import type { AgentEvent } from '../agents/agent-events.js';
import type { Clock } from '../agents/clock.js';
import type { StepEventSink } from '../machines/run-env.js';
import type { RunEvent, RunEventBody } from './run-events.js';

/** An event body while it is being stamped with its place in the run. */
type Stampable = { step?: number; runId?: string; seq?: number; at?: number };

/** Marks a body in `steps` that is not an agent event (agent events carry the step they belong to). */
const NO_STEP = -1;

/**
 * The event log of one run: every event is stamped with the run id, its sequence number and the clock's
 * time, in order. A listener gets each event stamped as it happens. Without a listener the log keeps each
 * body with its time and stamps them all when the run ends: a parked run holds no stamps, which V8 would
 * otherwise keep in a second property array per event.
 */
export class RunLog implements StepEventSink {
  /** Whether any event is built at all: only when the log is kept or someone listens. */
  readonly listening: boolean;
  private readonly bodies: RunEventBody[] = [];
  private readonly times: number[] = [];
  private readonly steps: number[] = [];
  private seq = 0;
  private readonly keep: boolean;
  private readonly onEvent: ((event: RunEvent) => void) | undefined;

  constructor(
    private readonly runId: string,
    private readonly clock: Clock,
    options: { readonly keep: boolean; readonly onEvent?: ((event: RunEvent) => void) | undefined },
  ) {
    this.keep = options.keep;
    this.onEvent = options.onEvent;
    this.listening = this.keep || this.onEvent !== undefined;
  }

  /** Records an event of the run; a no-op when nobody listens. */
  record(body: RunEventBody): void {
    this.add(body, NO_STEP);
  }

  /** Records an agent's event with the step (visit) it belongs to. */
  recordStep(body: AgentEvent, step: number): void {
    this.add(body as RunEventBody, step);
  }

  /** The events so far, stamped: the run's log as the result hands it out. */
  close(): readonly RunEvent[] {
    const { bodies } = this;
    if (this.onEvent || bodies.length === 0) return bodies as RunEvent[];
    for (let i = 0; i < bodies.length; i += 1) {
      const step = this.steps[i] ?? NO_STEP;
      stamp(bodies[i] as Stampable, step, this.runId, i + 1, this.times[i] ?? 0);
    }
    this.times.length = 0;
    this.steps.length = 0;
    return bodies as RunEvent[];
  }

  private add(body: RunEventBody, step: number): void {
    if (!this.listening) return;
    const at = this.clock.now();
    this.seq += 1;
    if (this.onEvent) {
      // Event bodies are fresh objects made for this log alone, so they are stamped in place.
      stamp(body as Stampable, step, this.runId, this.seq, at);
      if (this.keep) this.bodies.push(body);
      this.onEvent(body as RunEvent);
      return;
    }
    this.bodies.push(body);
    this.times.push(at);
    this.steps.push(step);
  }
}

function stamp(event: Stampable, step: number, runId: string, seq: number, at: number): void {
  if (step !== NO_STEP) event.step = step;
  event.runId = runId;
  event.seq = seq;
  event.at = at;
}
