import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import type formatsModule from 'ajv-formats';
import { BatonError } from './errors.js';
import { asSchemaObject, type Infer } from './schema.js';
import { toViolations, type Violation } from './violations.js';

type FormatsPlugin = typeof formatsModule.default;
let shared: Ajv | undefined;

/**
 * The one ajv instance: all errors, string formats, strict about unknown keywords. Made on first use,
 * with ajv-formats (CommonJS) loaded then, so importing Baton does not pay for them.
 */
function ajv(): Ajv {
  if (!shared) {
    const formats = createRequire(import.meta.url)('ajv-formats') as
      | FormatsPlugin
      | { default: FormatsPlugin };
    const addFormats = 'default' in formats ? formats.default : formats;
    shared = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(shared);
  }
  return shared;
}

const cache = new WeakMap<object, Validator<unknown>>();

/** The outcome of validating a value: the value with its static type, or the violations (never empty). */
export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly violations: Violation[] };

/** A compiled schema: validates values and reports readable violations. */
export interface Validator<T> {
  /** The schema it was compiled from. */
  readonly schema: object;
  /** Checks a value against the schema, reporting every violation; never throws for a value that fails. */
  validate(value: unknown): Validation<T>;
}

/**
 * Returns the validator for a schema (a TypeBox type or a plain JSON Schema), compiling it with ajv on
 * first use and serving it from the cache after. Ajv runs strict (unknown keywords are errors), reports
 * all errors and knows the string formats of `ajv-formats`. Throws `invalid_schema`, naming `where` it
 * was given (default `schema`), when the schema is not an object or ajv rejects it.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { formatViolations, validatorFor } from 'baton-flow';
 *
 * const Ticket = Type.Object({ id: Type.String(), subject: Type.String() });
 * const tickets = validatorFor(Ticket, 'ticket');
 *
 * const checked = tickets.validate(JSON.parse('{"id": 42}'));
 * if (checked.ok) console.log(checked.value.subject);
 * else console.log(formatViolations(checked.violations)); // e.g. /id: must be string
 * ```
 */
export function validatorFor<S>(schema: S, where = 'schema'): Validator<Infer<S>> {
  return compiledValidator<Infer<S>>(schema, where);
}

/**
 * `validatorFor` with the static type given rather than inferred from the schema. Inside the library the
 * type is always spelled out, so the compiler never has to relate two inferred schema types.
 */
export function compiledValidator<T>(schema: unknown, where: string): Validator<T> {
  const object = asSchemaObject(schema, where);
  const cached = cache.get(object);
  if (cached) return cached as Validator<T>;
  let fn: ValidateFunction;
  try {
    fn = ajv().compile(object);
  } catch (cause) {
    throw new BatonError(
      'invalid_schema',
      `${where}: ajv cannot compile the schema: ${(cause as Error).message}. Fix the schema keyword it names.`,
      { cause, details: { where } },
    );
  }
  const validator: Validator<T> = Object.freeze({
    schema: object,
    validate(value: unknown): Validation<T> {
      if (fn(value)) return { ok: true, value: value as T };
      return { ok: false, violations: toViolations(fn.errors) };
    },
  });
  cache.set(object, validator);
  return validator;
}
