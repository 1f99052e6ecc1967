/**
 * The one error type Baton throws. Every error carries a stable snake_case `code` from the table below,
 * optional `details`, an optional `cause` and a `retryable` flag.
 */

/** Every error code Baton throws, with what it means. The compiler keeps this table complete. */
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
} as const;

/** A stable error code: see `ERROR_CODES`. */
export type ErrorCode = keyof typeof ERROR_CODES;

const brand = Symbol.for('baton.error');

/** Options for a `BatonError`: structured details, the underlying cause and whether a retry may succeed. */
export interface BatonErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
  readonly retryable?: boolean;
}

/** The base error of Baton: a message that says what failed and how to fix it, plus a stable code. */
export class BatonError extends Error {
  override readonly name = 'BatonError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: BatonErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
  }
}

/** Tells whether a value is a `BatonError`, even one thrown by another copy of the package. */
export function isBatonError(value: unknown): value is BatonError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
