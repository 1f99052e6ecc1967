const ABORT = Symbol('attempt abort');

/** The `signal` of what a model, tool or step is handed: one getter for all, reading the attempt's abort. */
const SIGNAL: PropertyDescriptor = {
  get(this: { readonly [ABORT]: AttemptAbort }) {
    return this[ABORT].signal;
  },
  enumerable: true,
};

/**
 * What stops one attempt: set when the machine leaves the attempt's state (a cancel, the deadline, the
 * run's actor stopped). Baton's own code reads `aborted` and `reason`; a model, tool or step is handed
 * `signal`, a real AbortSignal made the first time it is read, already aborted when read after the stop.
 *
 * Node 20 takes about 4 µs to make an AbortSignal, and each one leaves objects behind that the next
 * young-generation collection copies: making one per attempt only when a model, tool or step asks for
 * it took about 7 % off bare XState's five-agent chain in `bench/` (one signal per `fromPromise` actor).
 */
export class AttemptAbort {
  #controller: AbortController | null = null;
  #aborted = false;

  /** Whether the attempt was stopped. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why it was stopped (an `AbortError`), once it was. */
  get reason(): unknown {
    return this.#aborted ? this.signal.reason : undefined;
  }

  /** The signal given to a model, tool or step: it aborts when the attempt is stopped. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** Throws the reason when the attempt was stopped, as `AbortSignal.throwIfAborted` does. */
  throwIfAborted(): void {
    if (this.#aborted) throw this.reason;
  }

  /** Stops the attempt: its signal aborts, now or when it is first read. */
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#controller?.abort();
  }
}

/**
 * Gives `target` an own, enumerable `signal`: the attempt's AbortSignal, made when first read. Own, so that a
 * wrapper that spreads a request passes it on; the abort is kept under a symbol that is not enumerable (a
 * spread or a deep equality does not see it), not in a private field, so that the getter works through a
 * Proxy of the target too. (A getter written in an object literal is a new function per object, and V8
 * takes about 1 µs to make such an object; two `defineProperty` calls with one shared getter, 0.2–0.5 µs.)
 */
export function withSignal<T extends object>(
  target: T,
  abort: AttemptAbort,
): T & { readonly signal: AbortSignal } {
  Object.defineProperty(target, ABORT, { value: abort });
  return Object.defineProperty(target, 'signal', SIGNAL) as T & { readonly signal: AbortSignal };
}
