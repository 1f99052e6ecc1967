import type { ErrorObject } from 'ajv';
import { kindOf } from './arguments.js';
import { BatonError } from './errors.js';

/** One way a value failed its schema: where (a JSON pointer into the value) and what was wrong. */
export interface Violation {
  /**
   * A JSON pointer into the value (`/items/0/price`), `/` for the value itself; for a missing or extra
   * property, the path of that property.
   */
  readonly path: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `enum`, …). */
  readonly keyword: string;
  /** What was wrong, readable after the path: `must be string`, `is required but missing`. */
  readonly message: string;
}

/** Turns ajv's errors into readable violations with JSON paths. */
export function toViolations(errors: readonly ErrorObject[] | null | undefined): Violation[] {
  if (!errors) return [];
  return errors.map((error) => {
    const base = error.instancePath === '' ? '' : error.instancePath;
    if (error.keyword === 'required') {
      const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
      return { path: `${base}/${missing}`, keyword: 'required', message: 'is required but missing' };
    }
    if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty?: unknown }).additionalProperty);
      return {
        path: `${base}/${extra}`,
        keyword: 'additionalProperties',
        message: 'is not an allowed property',
      };
    }
    if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown }).allowedValues;
      return { path: base || '/', keyword: 'enum', message: `must be one of ${JSON.stringify(allowed)}` };
    }
    return { path: base || '/', keyword: error.keyword, message: error.message ?? 'is invalid' };
  });
}

/** How many violations `formatViolations` lists by default; the rest are counted. */
const LISTED_VIOLATIONS = 20;

/** The longest line `formatViolations` writes; a longer one (a huge property name or enum) is cut. */
const LONGEST_LINE = 300;

/**
 * Renders violations one per line, as `path: message` (e.g. `/amount: must be number`): the text that
 * goes back to a model in a repair. At most `limit` lines (20 unless told), then one that counts the
 * rest, each line at most 300 characters: a model that answers with thousands of wrong items, or a
 * property name a megabyte long, does not make the repair (and the next paid request) grow with it.
 * An empty list renders as the empty string.
 *
 * @example
 * ```ts
 * import { formatViolations, type Violation } from 'baton-flow';
 *
 * const violations: Violation[] = [
 *   { path: '/amount', keyword: 'type', message: 'must be number' },
 *   { path: '/currency', keyword: 'required', message: 'is required but missing' },
 * ];
 * formatViolations(violations); // '/amount: must be number\n/currency: is required but missing'
 * ```
 */
export function formatViolations(violations: readonly Violation[], limit = LISTED_VIOLATIONS): string {
  if (!Array.isArray(violations))
    throw new BatonError(
      'invalid_argument',
      `formatViolations expects the violations of a failed validation (an array), got ${kindOf(violations)}.`,
    );
  const lines = violations.slice(0, Math.max(0, limit)).map((v) => {
    const line = `${v.path}: ${v.message}`;
    return line.length > LONGEST_LINE ? `${line.slice(0, LONGEST_LINE - 1)}…` : line;
  });
  const more = violations.length - lines.length;
  if (more > 0) lines.push(`… and ${more.toLocaleString('en-US')} more`);
  return lines.join('\n');
}
