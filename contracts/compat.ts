import { splitCombinators } from './compat-combinators.js';
import { schemasDisjoint } from './compat-disjoint.js';
import { checkFlat } from './compat-keywords.js';
import {
  acceptsAll,
  acceptsNothing,
  type Checker,
  deepEqual,
  finiteValues,
  hasRelativeRefs,
  isSelfContained,
  SchemaDocument,
  type SchemaObject,
  toObject,
} from './compat-schema.js';
import { compiledValidator, type Validation, type Validator } from './validator.js';
import { formatViolations } from './violations.js';

/** One way the producer's values may not fit the consumer: where in the value, and what to change. */
export interface Incompatibility {
  /** A JSON pointer into the value, e.g. `/items/0/price`, or `''` for the value itself. */
  readonly path: string;
  /** What the producer allows that the consumer rejects, and how to fix it. */
  readonly message: string;
}

/** The result of `checkCompatible`: ok, or the incompatibilities found (in document order, at most 20). */
export type Compatibility =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The first incompatibility, the same as `all[0]`. */
      readonly first: Incompatibility;
      readonly all: readonly Incompatibility[];
    };

const MAX_ISSUES = 20;
const MAX_STEPS = 20_000;
const MAX_DEPTH = 150;

/**
 * Tells whether every value the producer schema accepts is accepted by the consumer schema: the check
 * `defineFlow` and `check` make between what one participant sends and what the next takes. It errs
 * towards "incompatible": what it cannot prove fits is reported (patterns and formats are compared
 * literally, for one), and schemas too large to check are reported as such.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { checkCompatible } from 'baton-flow';
 *
 * const Sent = Type.Object({ ticketId: Type.String(), invoiceId: Type.Union([Type.String(), Type.Null()]) });
 * const Taken = Type.Object({ ticketId: Type.String(), invoiceId: Type.String() });
 *
 * const fit = checkCompatible(Sent, Taken);
 * // /invoiceId: the producer may send null values, but the consumer accepts only string; …
 * if (!fit.ok) console.log(`${fit.first.path}: ${fit.first.message}`);
 * ```
 */
export function checkCompatible(producer: object, consumer: object): Compatibility {
  const run = new Run(new SchemaDocument(producer), new SchemaDocument(consumer));
  const all = run.trial(producer, consumer, '');
  const [first] = all;
  return first === undefined ? { ok: true } : { ok: false, first, all };
}

/**
 * One run of the check. It is sound: when it cannot show that the producer fits, it reports an
 * incompatibility. Known limitations, each of which errs towards "incompatible":
 * - a producer must fit one consumer `anyOf`/`oneOf` branch as a whole (a producer whose values spread
 *   over several branches is reported, unless the split happens at the producer's own union or type list);
 * - patterns and formats are compared literally, never by the languages they describe;
 * - an `allOf` on the producer that cannot be merged into one schema fits only if one member fits alone;
 * - `$ref` is followed only to `#/...` pointers and `$id` names inside the same schema;
 * - a consumer `not` fits only when the producer provably never matches it;
 * - `if`/`then`/`else`, `dependentRequired`, `propertyNames`, `contains` and similar keywords fit only
 *   when the producer has the very same keywords; `unevaluated*` and unknown keywords never do;
 * - after 20,000 steps (or 150 levels) the check gives up and reports the schemas as too large.
 */
class Run implements Checker {
  private issues: Incompatibility[] = [];
  private steps = 0;
  private depth = 0;
  private readonly active = new Map<object, Map<object, string>>();
  private readonly validators = new Map<object, Validator<unknown> | null>();

  constructor(
    private readonly producer: SchemaDocument,
    private readonly consumer: SchemaDocument,
  ) {}

  report(path: string, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  }

  trial(producer: unknown, consumer: unknown, path: string): Incompatibility[] {
    const outer = this.issues;
    this.issues = [];
    try {
      this.check(producer, consumer, path);
      return this.issues;
    } finally {
      this.issues = outer;
    }
  }

  resolve(side: 'producer' | 'consumer', ref: unknown): unknown {
    return this[side].resolve(ref);
  }

  disjoint(a: unknown, b: unknown): boolean {
    return schemasDisjoint(a, b, (schema, value) => this.accepts(schema, value));
  }

  check(producer: unknown, consumer: unknown, path: string): void {
    this.steps += 1;
    if (this.steps > MAX_STEPS || this.depth > MAX_DEPTH) {
      this.report(
        path,
        'the schemas are too large or too deeply nested for the compatibility check; simplify them',
      );
      return;
    }
    if (acceptsAll(consumer) || acceptsNothing(producer)) return;
    const p = toObject(producer);
    const c = toObject(consumer);
    if (p === undefined || c === undefined) {
      const side = p === undefined ? 'producer' : 'consumer';
      this.report(
        path,
        `the ${side} schema here is not a JSON Schema (expected an object or a boolean); fix it`,
      );
      return;
    }
    if (p === false) return;
    if (c === false) {
      this.report(
        path,
        'the producer allows a value here but the consumer accepts none; remove it from the producer',
      );
      return;
    }
    const roots = producer === this.producer.root && consumer === this.consumer.root;
    if (deepEqual(p, c) && (roots || !hasRelativeRefs(p))) return;
    let seen = this.active.get(p);
    const since = seen?.get(c);
    if (since !== undefined) {
      // Met again deeper in the value: assume it fits (values are finite); met again in place: a loop.
      if (since === path)
        this.report(path, 'the schemas refer to themselves here without describing any value');
      return;
    }
    if (!seen) {
      seen = new Map();
      this.active.set(p, seen);
    }
    seen.set(c, path);
    this.depth += 1;
    try {
      this.dispatch(p, c, path);
    } finally {
      seen.delete(c);
      this.depth -= 1;
    }
  }

  private dispatch(p: SchemaObject, c: SchemaObject, path: string): void {
    const values = finiteValues(p);
    if (values !== undefined && this.checkValues(p, c, values, path)) return;
    if (splitCombinators(this, p, c, path)) return;
    if (p.nullable === true) {
      this.report(
        path,
        `the producer's "nullable" is not understood by the compatibility check; use type: [..., 'null']`,
      );
      return;
    }
    checkFlat(this, p, c, path, values);
  }

  /** Validates each value the producer can take against the consumer; false when ajv cannot take the consumer alone. */
  private checkValues(p: SchemaObject, c: SchemaObject, values: readonly unknown[], path: string): boolean {
    const consumer = this.validator(c, this.consumer);
    if (!consumer) return false;
    const producer = this.validator(p, this.producer);
    for (const value of values) {
      if (producer && safely(producer, value)?.ok === false) continue;
      const result = safely(consumer, value);
      if (result?.ok) continue;
      const why = result
        ? formatViolations(result.violations.slice(0, 2)).replaceAll('\n', '; ')
        : 'ajv failed on the consumer schema';
      this.report(
        path,
        `the producer may send ${JSON.stringify(value)} here, which the consumer rejects (${why}); ` +
          'drop that value from the producer or accept it in the consumer',
      );
    }
    return true;
  }

  /** Validates a value with ajv, or undefined when the schema cannot be compiled on its own. */
  private accepts(schema: unknown, value: unknown): boolean | undefined {
    if (acceptsAll(schema)) return true;
    if (acceptsNothing(schema)) return false;
    if (typeof schema !== 'object' || schema === null || !isSelfContained(schema)) return undefined;
    const doc = this.consumer.owns(schema) ? this.consumer : this.producer;
    const validator = this.validator(schema, doc);
    return validator && safely(validator, value)?.ok;
  }

  /**
   * Ajv's validator for a schema of a document: its root, or a part of it that means the same on its own.
   * Schemas the check built itself are never compiled, so the shared ajv instance does not fill up.
   */
  private validator(schema: object, doc: SchemaDocument): Validator<unknown> | undefined {
    if (!doc.owns(schema) || (schema !== doc.root && !isSelfContained(schema))) return undefined;
    let validator = this.validators.get(schema);
    if (validator === undefined) {
      try {
        validator = compiledValidator<unknown>(schema, 'compatibility check');
      } catch {
        validator = null;
      }
      this.validators.set(schema, validator);
    }
    return validator ?? undefined;
  }
}

/** Validates without throwing: undefined when ajv fails, e.g. on a schema that refers to itself forever. */
function safely(validator: Validator<unknown>, value: unknown): Validation<unknown> | undefined {
  try {
    return validator.validate(value);
  } catch {
    return undefined;
  }
}
