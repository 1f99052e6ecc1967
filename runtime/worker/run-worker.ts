import { BatonError, describeThrown, isBatonError } from '../../contracts/errors.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { resumeRun } from '../resume-run.js';
import { FINISHED_STATUSES } from '../store/store.js';
import { Control } from './control.js';
import { RevocableStore } from './revocable-store.js';
import { type RunJob, RunQueue } from './run-queue.js';
import { Slots, type SlotToken } from './slots.js';
import type { Worker } from './start-worker.js';
import { modelsFor, type WorkerModels } from './worker-models.js';
import type { WorkerEvent, WorkerSettings } from './worker-options.js';

/** One job being worked on. */
interface InFlight {
  readonly runId: string;
  readonly flow: AnyFlow;
  readonly job: RunJob;
  readonly holder: string;
  readonly controller: AbortController;
  readonly view: RevocableStore;
  released: boolean;
  done: Promise<void>;
}

/**
 * How long a stopping worker waits, at most, for each of the runs it let go of, its job queue and its
 * connection, beyond its grace: enough for a database that answers; not forever for one that does not.
 */
const STOP_WAIT_MS = 5_000;

/** Codes of a refusal that means the job has nothing (more) to do: the run is elsewhere, waits or ended. */
const NOTHING_TO_DO = new Set([
  'lease_held',
  'store_conflict',
  'run_finished',
  'run_not_found',
  'run_waiting',
]);

/** The worker `startWorker` starts: its job loop, the runs in flight, its sweep and its stop. */
export class RunWorker implements Worker {
  readonly id: string;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly control: Control;
  private readonly slots: Slots;
  private readonly models = new Map<string, WorkerModels | undefined>();
  private queue: RunQueue | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private loop: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  /** A wake that came while the loop was busy: its next sleep returns at once. */
  private woken = false;
  private sweeper: unknown = null;
  private turn = 0;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly listener: ((event: WorkerEvent) => void) | undefined,
  ) {
    this.id = settings.id;
    const { store, clock } = settings;
    this.control = new Control(
      store,
      clock,
      {
        notify: (kind, payload) => this.notified(kind, payload),
        lost: (error) => {
          this.slots.lost();
          this.emit({ type: 'error', error });
        },
        reconnected: () => {
          this.wake();
          this.recheckCancels();
        },
      },
      [...settings.flows.keys()],
    );
    this.slots = new Slots(this.control, store.schema, clock);
    for (const flow of settings.flows.values())
      this.models.set(flow.id, modelsFor(flow, settings.models, settings.agentLimits, this.slots));
  }

  async start(): Promise<void> {
    const queue = await RunQueue.open(this.settings.store, {
      start: true,
      maintain: true,
      onError: (error) => this.emit({ type: 'error', error }),
    });
    try {
      for (const flow of this.settings.flows.keys()) await queue.ensure(flow);
      await this.control.open();
    } catch (error) {
      await queue.stop().catch(() => undefined);
      await this.control.close();
      throw error;
    }
    this.queue = queue;
    this.loop = this.work();
    this.scheduleSweep();
  }

  running(): string[] {
    return [...new Set([...this.inFlight.values()].map((entry) => entry.runId))];
  }

  stop(options: { readonly graceMs?: number } = {}): Promise<void> {
    this.stopped ??= this.shutdown(options.graceMs ?? this.settings.graceMs);
    return this.stopped;
  }

  /** Takes jobs while slots are free, then sleeps until a job, a freed slot, the poll interval or a stop. */
  private async work(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.fill();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.emit({ type: 'error', error: asBatonError(error) });
      }
      if (this.stopping) return;
      const { pollMs } = this.settings;
      await this.sleep(failures === 0 ? pollMs : Math.min(pollMs * 2 ** (failures - 1), 30_000));
    }
  }

  /** Fetches as many jobs as there are free slots, flow by flow, starting with a different flow each time. */
  private async fill(): Promise<void> {
    const flows = [...this.settings.flows.values()];
    const first = this.turn++ % flows.length;
    for (const flow of [...flows.slice(first), ...flows.slice(0, first)]) {
      const free = this.settings.concurrency - this.inFlight.size;
      if (free <= 0 || this.stopping || !this.queue) return;
      const limit = this.settings.flowLimits[flow.id];
      const tokens = limit === undefined ? [] : await this.slots.tryTake(`flow:${flow.id}`, limit, free);
      const wanted = limit === undefined ? free : tokens.length;
      if (wanted === 0) continue;
      let jobs: RunJob[] = [];
      try {
        jobs = await this.queue.fetch(flow.id, wanted);
      } finally {
        for (const unused of tokens.slice(jobs.length)) await this.slots.give(unused);
      }
      // Fetched while the worker began to stop: their runs hold no lease, so the sweep of the other
      // workers sends them again once the job is older than a lease.
      if (this.stopping) {
        for (const token of tokens.slice(0, jobs.length)) if (token) await this.slots.give(token);
        return;
      }
      for (const [i, job] of jobs.entries()) {
        const token = tokens[i];
        // pg-boss delivers a job again, with its id, once it outlived its expiry: this worker still has it
        // in flight, and the first delivery settles it.
        if (this.inFlight.has(job.id)) {
          if (token) await this.slots.give(token);
          continue;
        }
        this.begin(flow, job, token);
      }
    }
  }

  private begin(flow: AnyFlow, job: RunJob, token: SlotToken | undefined): void {
    const runId = (job.data as { runId?: unknown } | null)?.runId;
    const entry: InFlight = {
      runId: typeof runId === 'string' ? runId : '',
      flow,
      job,
      holder: `${this.id}/${job.id.slice(0, 8)}`,
      controller: new AbortController(),
      view: new RevocableStore(this.settings.store),
      released: false,
      done: Promise.resolve(),
    };
    this.inFlight.set(job.id, entry);
    entry.done = this.advance(entry)
      .catch((error: unknown) => this.emit({ type: 'error', error: asBatonError(error) }))
      .finally(async () => {
        this.inFlight.delete(job.id);
        if (token) await this.slots.give(token);
        this.wake();
      });
  }

  /** Advances the run of one job to its end or its next wait, and settles the job. */
  private async advance(entry: InFlight): Promise<void> {
    const { store, clock, leaseMs, migrations } = this.settings;
    const { runId, flow, job } = entry;
    const queue = this.queue as RunQueue;
    const skip = async (why: string) => {
      // Said before the job is settled: a worker that lets a run go says so even if settling fails.
      this.emit({ type: 'run.skipped', runId, flow: flow.id, why });
      await queue.complete(flow.id, job.id, why);
    };
    if (runId === '') return await skip('the job names no run');
    const run = await store.get(runId);
    if (!run) return await skip('the store has no such run');
    if (FINISHED_STATUSES.includes(run.status)) return await skip(`the run ended ${run.status}`);
    if (run.lease && run.lease.expiresAt > clock.now())
      return await skip(
        `${run.lease.holder} holds the run until ${new Date(run.lease.expiresAt).toISOString()}`,
      );
    this.emit({ type: 'run.taken', runId, flow: flow.id });
    const models = this.models.get(flow.id);
    let status: string;
    try {
      const result = await resumeRun(flow, runId, {
        store: entry.view,
        holder: entry.holder,
        leaseMs,
        clock,
        signal: entry.controller.signal,
        events: false,
        ...(models ? { models } : {}),
        ...(migrations ? { migrations } : {}),
      });
      status = result.status;
    } catch (error) {
      if (entry.released) return await this.handBack(entry);
      const failure = asBatonError(error);
      await store.release(runId, entry.holder).catch(() => undefined);
      if (NOTHING_TO_DO.has(failure.code)) return await skip(failure.message);
      this.emit({ type: 'run.failed', runId, flow: flow.id, error: failure });
      await queue.fail(flow.id, job.id, failure);
      return;
    }
    if (entry.released) return await this.handBack(entry);
    // A run that stopped at a wait holds no lease: its answer, or enqueueRun, brings it back.
    await store.release(runId, entry.holder).catch(() => undefined);
    this.emit({ type: 'run.left', runId, flow: flow.id, status });
    await queue.complete(flow.id, job.id, status);
  }

  /** After a stop released a run: lets go of its lease and sends it to another worker. */
  private async handBack(entry: InFlight): Promise<void> {
    const { store } = this.settings;
    const queue = this.queue as RunQueue;
    await store.release(entry.runId, entry.holder);
    const run = await store.get(entry.runId);
    if (run && !FINISHED_STATUSES.includes(run.status)) await queue.send(entry.flow.id, entry.runId);
    await queue.complete(entry.flow.id, entry.job.id, 'released');
    this.emit({ type: 'run.released', runId: entry.runId, flow: entry.flow.id });
  }

  /**
   * Sends a job for every run of its flows whose holder died (its lease expired), or whose job was taken by
   * a worker that died before it leased the run; then sweeps again later.
   */
  private scheduleSweep(): void {
    if (this.stopping) return;
    const { clock, sweepMs, store, flows, leaseMs } = this.settings;
    this.sweeper = clock.setTimeout(async () => {
      try {
        const now = clock.now();
        const names = [...flows.keys()];
        const stranded = await store.stranded({ flows: names, now });
        if (this.queue)
          stranded.push(
            ...(await this.queue.unclaimed({ flows: names, before: now - leaseMs, leaseMs, limit: 100 })),
          );
        const window = Math.max(1, Math.ceil(sweepMs / 1000));
        for (const run of stranded) {
          if (this.stopping) break;
          await this.queue?.send(run.flow, run.id, { singleton: window });
        }
      } catch (error) {
        this.emit({ type: 'error', error: asBatonError(error) });
      }
      this.scheduleSweep();
    }, sweepMs);
  }

  private notified(kind: 'cancel' | 'work' | 'slot', payload: string): void {
    if (kind === 'slot') this.slots.wake();
    else if (kind === 'work') {
      if (this.settings.flows.has(payload)) this.wake();
    } else
      for (const entry of this.inFlight.values())
        if (entry.runId === payload && !entry.released) {
          entry.view.cancelled();
          entry.controller.abort(new Error('cancelled through the store'));
        }
  }

  /** Cancels the runs in flight whose cancel was asked while no connection listened for it. */
  private recheckCancels(): void {
    for (const entry of this.inFlight.values()) {
      if (entry.released || entry.controller.signal.aborted) continue;
      this.settings.store.get(entry.runId).then(
        (run) => {
          if (run?.cancelRequested) this.notified('cancel', entry.runId);
        },
        (error: unknown) => this.emit({ type: 'error', error: asBatonError(error) }),
      );
    }
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    this.settings.clock.clearTimeout(this.sweeper);
    this.wake();
    // Each wait below is bounded: a database that stopped answering (a cut network, a failover) must not
    // keep a stopping worker alive. What is still waiting then is let go; its runs' leases expire.
    const bound = Math.max(graceMs, STOP_WAIT_MS);
    await this.within(this.loop, bound);
    const settled = () => Promise.all([...this.inFlight.values()].map((entry) => entry.done));
    if (this.inFlight.size > 0) await this.within(settled(), graceMs);
    for (const entry of this.inFlight.values()) {
      // Writes of the run are refused from now on, here, so aborting it commits nothing: the run stays at
      // its last commit for the next worker.
      entry.released = true;
      entry.view.revoke();
      entry.controller.abort(new Error('the worker is stopping'));
    }
    await this.within(settled(), bound);
    await this.within(this.queue?.stop().catch(() => undefined) ?? Promise.resolve(), bound);
    await this.within(this.control.close(), bound);
  }

  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = this.settings.clock.setTimeout(() => done(), ms);
      const done = () => {
        this.wakeUp = null;
        this.woken = false;
        this.settings.clock.clearTimeout(timer);
        resolve();
      };
      this.wakeUp = done;
    });
  }

  /** Resolves when `work` does, or after `ms`, whichever comes first; leaves no timer behind. */
  private within(work: Promise<unknown>, ms: number): Promise<void> {
    const { clock } = this.settings;
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => {
      timer = clock.setTimeout(resolve, ms);
    });
    return Promise.race([work.then(() => undefined), timeout]).finally(() => clock.clearTimeout(timer));
  }

  private emit(event: WorkerEvent): void {
    try {
      this.listener?.(event);
    } catch {
      // A listener's failure is its own: the worker goes on.
    }
  }
}

/** A thrown value as a Baton error: itself when it is one, else `internal_error` with it as the cause. */
export function asBatonError(error: unknown): BatonError {
  if (isBatonError(error)) return error;
  return new BatonError('internal_error', describeThrown(error), {
    cause: error,
  });
}
