import { BatonError, type ErrorCode } from './errors.js';

/** What a value is, said for a person: `null`, `an array`, `a string ("stop")`, `the number 5`, `an object`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `the ${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return 'an object';
}

/**
 * Refuses, with `code`, a definition that is not an object: `defineAgent(undefined)` says what it expects
 * instead of failing on the first field it reads.
 */
export function assertDefinition(value: unknown, code: ErrorCode, call: string, shape: string): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return;
  throw new BatonError(code, `${call} expects a definition object ${shape}, got ${kindOf(value)}.`);
}

/** Refuses, with `invalid_argument`, a `what` of `call` that is not a non-empty string. */
export function assertText(value: unknown, call: string, what: string): asserts value is string {
  if (typeof value === 'string' && value.length > 0) return;
  throw new BatonError(
    'invalid_argument',
    `${call}: ${what} must be a non-empty string, got ${kindOf(value)}.`,
  );
}
