import type { ErrorObject } from 'ajv';

/** One way a value failed its schema: where (a JSON pointer into the value) and what was wrong. */
export interface Violation {
  readonly path: string;
  readonly keyword: string;
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

/** Renders violations one per line, e.g. `/amount: must be number`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.path}: ${v.message}`).join('\n');
}
