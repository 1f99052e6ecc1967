// The one error type Baton throws. Every error carries a stable snake_case `code` from the table below,
// optional `details`, an optional `cause` and a `retryable` flag.

/**
 * Every error code Baton throws, with what it means. The compiler keeps this table complete. How a run
 * ends is never an error: `runFlow` returns it as a result, with a reason code from `REASONS`.
 *
 * @example
 * ```ts
 * import { ERROR_CODES, isBatonError } from 'baton-flow';
 *
 * export function explain(error: unknown): string {
 *   if (!isBatonError(error)) return String(error);
 *   return `${error.code} (${ERROR_CODES[error.code]}): ${error.message}`;
 * }
 * ```
 */
export const ERROR_CODES = {
  invalid_schema:
    'A schema is not a valid JSON Schema object, or is not an object schema where one is required.',
  invalid_agent: 'An agent, step or tool definition is incomplete or inconsistent.',
  invalid_flow: 'A flow definition names an unknown agent, an impossible route, or incompatible contracts.',
  invalid_argument: 'A function was called with an argument of the wrong shape.',
  invalid_flow_module: 'A module given to the CLI does not export a flow, or could not be loaded.',
  flow_check_failed:
    'The static check of a flow found errors: `details.diagnostics` lists them with their fixes.',
  script_exhausted: 'A scripted model received a call after its script ran out.',
  script_mismatch: 'A scripted model received a call from an agent other than the one its next step names.',
  script_incomplete: 'A scripted model was asked to assert completion while steps remained.',
  provider_error: 'The model provider failed after its retries.',
  missing_dependency: 'An optional package that this feature needs is not installed.',
  aborted: 'An operation was aborted by its signal.',
  internal_error: 'A defect stopped a run outside its final states; the cause is attached. Please report it.',
  listener_failed:
    "A run's onEvent listener threw. It was not called again; the run went on to its end and `details.result` holds the result.",
  replay_mismatch: 'A replayed model received a request that differs from the recorded one.',
  replay_exhausted: 'A replayed model received a call after its cassette ran out.',
  cassette_write_failed:
    'A recording model could not write its cassette: `details` names the file and the operating system error.',
  run_not_found: 'A store has no run with the given id.',
  run_exists: 'A store already has a run with the given id.',
  lease_held:
    'Another process holds the lease on a stored run: `details` names the holder and when its lease expires.',
  store_conflict:
    'A commit came out of sequence or from a process without the lease: a newer process advances the run.',
  store_error:
    'The storage failed (a corrupt or foreign file, a newer schema, a full or read-only disk): `details.retryable` says whether trying again may help.',
  run_finished: 'A stored run has ended already: there is nothing to resume or cancel.',
  snapshot_incompatible:
    'A stored snapshot was taken from another version of the flow, and no migration turns it into this one.',
  invalid_answer:
    'An answer does not fit the answer schema of the question the run waits on: `details.violations` says where; the run is unchanged.',
  not_waiting: 'An answer came for a stored run that is not waiting for one (it runs, or has ended).',
  already_answered:
    'The question was answered already: the first answer wins, and `details` holds the recorded one.',
  run_waiting:
    'A stored run waits for a person: it goes on when its question is answered (`answerRun`, `baton answer`), not by resuming.',
} as const;

/** A stable error code: see `ERROR_CODES`. */
export type ErrorCode = keyof typeof ERROR_CODES;

const brand = Symbol.for('baton.error');

/** Options for a `BatonError`: structured details, the underlying cause and whether a retry may succeed. */
export interface BatonErrorOptions {
  /** Plain data about the failure (the flow, agent, file, …), for programs to read (default `{}`). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The error that caused this one, kept as the standard `Error.cause`. */
  readonly cause?: unknown;
  /** Whether the same call may succeed if made again (default false). */
  readonly retryable?: boolean;
}

/**
 * The base error of Baton: a message that says what failed and how to fix it, plus a stable code.
 * Tell it by `isBatonError(e)` and `e.code`, which work across duplicate copies of the package, rather
 * than `instanceof`. A custom model throws one to report a provider's failure.
 *
 * @example
 * ```ts
 * import { BatonError, type Model } from 'baton-flow';
 *
 * export const offline: Model = {
 *   id: 'offline',
 *   async call(request) {
 *     throw new BatonError('provider_error', `No model is reachable for agent "${request.agent}".`, {
 *       retryable: true,
 *       details: { agent: request.agent },
 *     });
 *   },
 * };
 * ```
 */
export class BatonError extends Error {
  override readonly name = 'BatonError';
  /** The stable reason it was thrown: a key of `ERROR_CODES`. */
  readonly code: ErrorCode;
  /** Plain data about the failure; `{}` when there is none. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Whether the same call may succeed if made again (a rate limit, a timeout). */
  readonly retryable: boolean;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: BatonErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Tells whether a value is a `BatonError`, even one thrown by another copy of the package (where
 * `instanceof` fails). It reads a brand the error carries, never its class.
 *
 * @example
 * ```ts
 * import { type AnyFlow, isBatonError, runFlow } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 *
 * try {
 *   await runFlow(support, { id: 'T-1042' });
 * } catch (error) {
 *   if (!isBatonError(error)) throw error;
 *   console.error(`${error.code}: ${error.message}`, error.details); // e.g. invalid_argument
 * }
 * ```
 */
export function isBatonError(value: unknown): value is BatonError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * What a thrown value (or any value a caller's code handed back) says, in words, whatever it is: an
 * Error's message, or the value as text. Never throws, whatever the value does when read or converted
 * (a getter that throws, an object without a prototype, a revoked proxy).
 */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) return String(value.message);
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return 'a value that cannot be read';
    }
  }
}
