import type { ErrorObject } from 'ajv';

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

/**
 * Renders violations one per line, as `path: message` (e.g. `/amount: must be number`): the text that
 * goes back to a model in a repair. An empty list renders as the empty string.
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
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.path}: ${v.message}`).join('\n');
}
