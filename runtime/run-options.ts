import { kindOf } from '../contracts/arguments.js';
import { BatonError } from '../contracts/errors.js';

/**
 * The checks of the options every entry point of a run takes (`runFlow`, `resumeRun`, `answerRun`): each
 * option given must be of its kind, or the call is refused with `invalid_argument` naming the option, what
 * it got and what it takes, before anything runs or is stored. Options of other kinds (`models`,
 * `leaseMs`) have checks of their own.
 */

/** Whether `value` is an object with a function under each of `methods`. */
function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  );
}

/** Whether an id is one a run or a holder can go by: a non-empty string of printable characters. */
export function isId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) return false;
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

const STORE = 'a Store (MemoryStore, SqliteStore, PostgresStore or your own)';

/** Whether a value can be a run's store: an object with the Store methods a run calls first. */
function isStore(value: unknown): boolean {
  return hasMethods(value, ['get', 'create', 'commit', 'lease']);
}

/** Refuses, with `invalid_argument`, a store given as an argument (`cancelRun(store, …)`) that is not one. */
export function checkStore(call: string, store: unknown): void {
  if (isStore(store)) return;
  throw new BatonError(
    'invalid_argument',
    `${call} expects ${STORE} as its first argument, got ${kindOf(store)}.`,
  );
}

const ID = 'a non-empty string of at most 256 printable characters';

/** The option kinds, by option name: what each takes, and the check. */
const KINDS: Readonly<Record<string, readonly [string, (value: unknown) => boolean]>> = {
  signal: [
    'an AbortSignal',
    (v) => hasMethods(v, ['addEventListener']) && typeof (v as AbortSignal).aborted === 'boolean',
  ],
  clock: [
    'a Clock: an object with now, setTimeout and clearTimeout functions',
    (v) => hasMethods(v, ['now', 'setTimeout', 'clearTimeout']),
  ],
  ids: ['an Ids source: an object with a next function', (v) => hasMethods(v, ['next'])],
  runId: [ID, isId],
  holder: [ID, isId],
  question: ['the id of a question (a non-empty string)', isId],
  onEvent: ['a function', (v) => typeof v === 'function'],
  inspect: ['a function', (v) => typeof v === 'function'],
  events: ['true or false', (v) => typeof v === 'boolean'],
  traceContent: ['true or false', (v) => typeof v === 'boolean'],
  tracer: [
    'an OpenTelemetry Tracer (an object with a startSpan function)',
    (v) => hasMethods(v, ['startSpan']),
  ],
  store: [STORE, isStore],
  migrations: [
    'an object of migrations by flow version',
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  ],
};

/** The kinds as a list, made once: every run checks its options against it. */
const KIND_LIST = Object.entries(KINDS);

/**
 * Refuses the options of `where` (`runFlow(flow "support")`) when they are not an object, when an option
 * given is not of its kind, or, with `needsStore` (a run already stored: resume, answer), when they have
 * no store. An option left `undefined` is not given.
 */
export function checkRunOptions(where: string, options: unknown, needsStore = false): void {
  if (options === undefined && !needsStore) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BatonError(
      'invalid_argument',
      `${where}: options must be an object${needsStore ? ' with the store the run is kept in' : ''}, got ${kindOf(options)}.`,
    );
  }
  if (needsStore && (options as { store?: unknown }).store === undefined) {
    throw new BatonError(
      'invalid_argument',
      `${where}: options.store is missing: pass the store the run is kept in.`,
      {
        details: { option: 'store' },
      },
    );
  }
  for (const [name, [takes, fits]] of KIND_LIST) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined || fits(value)) continue;
    throw new BatonError(
      'invalid_argument',
      `${where}: options.${name} must be ${takes}, got ${kindOf(value)}.`,
      {
        details: { option: name },
      },
    );
  }
}

/** A new run id from `ids`, refused with `invalid_argument` when the source gives something that is no id. */
export function newRunId(where: string, ids: { next(prefix: string): string }): string {
  const id: unknown = ids.next('run');
  if (isId(id)) return id;
  throw new BatonError(
    'invalid_argument',
    `${where}: options.ids.next('run') must return ${ID}, got ${kindOf(id)}.`,
    {
      details: { option: 'ids' },
    },
  );
}

/** Refuses, with `invalid_argument`, a run id that is not one (`resumeRun(flow, 42)`). */
export function checkRunId(where: string, runId: unknown): void {
  if (isId(runId)) return;
  throw new BatonError('invalid_argument', `${where}: the run id must be ${ID}, got ${kindOf(runId)}.`);
}

/** The refusal of a first argument that is not a flow made by `defineFlow`. */
export function notAFlow(call: string): BatonError {
  return new BatonError(
    'invalid_argument',
    `${call} expects a flow made by defineFlow as its first argument.`,
  );
}
