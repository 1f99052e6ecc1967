import { describeThrown } from '../contracts/errors.js';
import type { FlowSpec } from './flow-spec.js';

/**
 * Runs the done predicate. It must return `true`, `false`, a string (the unmet condition) or a list of
 * strings (the unmet conditions; an empty list means none). Anything else — a throw, undefined, a number,
 * an object, a Promise — is an unmet condition that says what the predicate did: never a silent `done`.
 */
export function unmetConditions(spec: FlowSpec, input: unknown, output: unknown): readonly string[] {
  if (!spec.done) return [];
  let result: unknown;
  try {
    result = spec.done({ input, output });
  } catch (error) {
    return [`the done predicate threw: ${describeThrown(error)}`];
  }
  if (result === true) return [];
  if (result === false) return ['the done predicate returned false'];
  if (typeof result === 'string')
    return [result === '' ? 'the done predicate returned an empty string' : result];
  try {
    if (Array.isArray(result) && result.every((item) => typeof item === 'string')) return [...result];
    if (isThenable(result)) {
      // Nobody awaits it: a rejection must not surface as an unhandled one.
      Promise.resolve(result).catch(() => undefined);
      return [
        'the done predicate returned a Promise: it must be synchronous (do asynchronous checks in a code step before the finish)',
      ];
    }
  } catch (error) {
    // A proxy, or a getter that throws: what it returned cannot even be read.
    return [`the done predicate returned a value that throws when read: ${describeThrown(error)}`];
  }
  return [
    `the done predicate returned ${describeValue(result)}: it must return true, false, a string or a list of strings`,
  ];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A short description of a value for a message: its type, and the value when it is small. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `the ${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return 'a list that holds something other than strings';
  return `a value of type ${typeof value}`;
}
