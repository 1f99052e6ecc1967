import { readFileSync } from 'node:fs';
import { BatonError, describeThrown, ERROR_CODES, type ErrorCode } from '../../contracts/errors.js';
import type { Model, ModelReply, ModelRequest } from '../model.js';
import { redactSecrets } from './provider-support.js';
import { CASSETTE_VERSION, type Cassette, type CassetteOptions } from './record.js';

/** A model that replays a cassette: a `Model` with the recorded id and price, plus the calls left. */
export interface ReplayModel extends Model {
  /** The recorded calls not yet replayed: 0 when the run made every call the recording did. */
  readonly remaining: number;
}

/** Request fields that may change between a recording and its replay without changing the call. */
const IGNORED: ReadonlySet<string> = new Set(['idempotencyKey']);

/**
 * A model that serves the replies of a cassette written by `record`, in order, with no network. Each
 * request must match the recorded one (after the same redaction; the idempotency key is not compared):
 * the first difference throws `replay_mismatch` naming its JSON path, and a call past the end throws
 * `replay_exhausted`. A recorded failure is thrown again as a `BatonError` with its code; an aborted
 * signal throws `aborted`. `cassette` is a file path, read at once, or a cassette object; one that cannot
 * be read, is not JSON or is not a version 1 cassette throws `invalid_argument` here.
 *
 * @example
 * ```ts
 * import { type AnyFlow, replay, runFlow } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 * declare const ticket: unknown; // the input the cassette was recorded with
 *
 * // Written by record(openai('gpt-5-mini'), file): the run makes no network call.
 * const model = replay('examples/support/cassettes/t-1042.json');
 * const result = await runFlow(support, ticket, { models: model });
 * console.log(result.status, model.remaining); // 0 left when the run made every recorded call
 * ```
 */
export function replay(cassette: string | Cassette, options: CassetteOptions = {}): ReplayModel {
  const source = typeof cassette === 'string' ? `cassette "${cassette}"` : 'the cassette';
  const tape = typeof cassette === 'string' ? readCassette(cassette) : checkCassette(cassette, source);
  const secrets = options.redact ?? [];
  let cursor = 0;

  return {
    id: tape.model.id,
    ...(tape.model.price ? { price: tape.model.price } : {}),
    get remaining() {
      return tape.calls.length - cursor;
    },
    async call(request: ModelRequest): Promise<ModelReply> {
      if (request.signal.aborted) {
        throw new BatonError(
          'aborted',
          `The replayed call of agent "${request.agent}" was aborted by its signal.`,
          { cause: request.signal.reason },
        );
      }
      const recorded = tape.calls[cursor];
      const number = cursor + 1;
      if (!recorded) {
        throw new BatonError(
          'replay_exhausted',
          `Replay of ${source}: call ${number} (agent "${request.agent}") was made, but only ${tape.calls.length} calls were recorded. ` +
            'The flow made more calls than when it was recorded: re-record the cassette.',
          { details: { call: number, recorded: tape.calls.length, agent: request.agent } },
        );
      }
      const { signal: _signal, ...live } = request;
      const difference = firstDifference(
        recorded.request,
        redactSecrets(JSON.parse(JSON.stringify(live)) as unknown, secrets),
        '$',
      );
      if (difference) {
        throw new BatonError(
          'replay_mismatch',
          `Replay of ${source}: call ${number} (agent "${request.agent}") differs from the recording at ${difference.path}: ` +
            `recorded ${preview(difference.expected)}, got ${preview(difference.actual)}. Re-record the cassette if the change is intended.`,
          {
            details: {
              call: number,
              path: difference.path,
              expected: difference.expected,
              actual: difference.actual,
            },
          },
        );
      }
      cursor += 1;
      if ('error' in recorded) {
        const code =
          recorded.error.code in ERROR_CODES ? (recorded.error.code as ErrorCode) : 'provider_error';
        throw new BatonError(code, recorded.error.message, {
          retryable: recorded.error.retryable,
          details: { replayed: true, call: number },
        });
      }
      return recorded.reply;
    },
  };
}

function readCassette(file: string): Cassette {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BatonError(
      'invalid_argument',
      `Cannot read cassette "${file}": ${describeThrown(error)}. Record one with record(model, file).`,
      {
        details: { file },
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BatonError(
      'invalid_argument',
      `Cassette "${file}" is not valid JSON: ${describeThrown(error)}.`,
      { details: { file } },
    );
  }
  return checkCassette(parsed, `cassette "${file}"`);
}

function checkCassette(value: unknown, source: string): Cassette {
  const cassette = value as Partial<Cassette> | null;
  if (
    cassette?.version !== CASSETTE_VERSION ||
    !Array.isArray(cassette.calls) ||
    typeof cassette.model?.id !== 'string'
  ) {
    throw new BatonError(
      'invalid_argument',
      `${source[0]?.toUpperCase()}${source.slice(1)} is not a version ${CASSETTE_VERSION} cassette ({ version: 1, model: { id }, calls: [...] }). Re-record it with record(model, file).`,
      { details: { version: (cassette as { version?: unknown } | null)?.version ?? null } },
    );
  }
  return cassette as Cassette;
}

/** Where two JSON values first differ: the path, the recorded value and the live one (undefined where absent). */
export interface Difference {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * The first place, in document order, where two JSON values differ, as a JSON path (`$.messages[2].content`).
 * Only own keys count: a key named `constructor` or `__proto__` (which `JSON.parse` makes an own key) on
 * one side and not the other is a difference, never read through to `Object.prototype`.
 */
export function firstDifference(expected: unknown, actual: unknown, path: string): Difference | null {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i += 1) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [
      ...Object.keys(expected),
      ...Object.keys(actual).filter((key) => !Object.hasOwn(expected, key)),
    ];
    for (const key of keys) {
      if (path === '$' && IGNORED.has(key)) continue;
      const found = firstDifference(
        own(expected, key),
        own(actual, key),
        /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
      );
      if (found) return found;
    }
    return null;
  }
  return Object.is(expected, actual) ? null : { path, expected, actual };
}

/** A record's own value at `key`, or undefined: never one inherited from its prototype. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
