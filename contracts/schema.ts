import type { Static, TSchema } from 'typebox';
import { BatonError } from './errors.js';

/** A JSON Schema document as plain data: its keywords by name. */
export interface JsonSchemaObject {
  readonly [keyword: string]: unknown;
}

declare const staticType: unique symbol;

/**
 * A JSON Schema that carries the TypeScript type of the values it accepts, as `jsonSchema<T>()` makes it.
 * The type exists only for the compiler: at run time it is the plain schema.
 */
export type Contract<T = unknown> = JsonSchemaObject & { readonly [staticType]?: T };

/**
 * Anything Baton accepts as a schema: a TypeBox type or a plain JSON Schema object (typed with
 * `jsonSchema<T>()`). Inputs, outputs and tool arguments must be object schemas (`type: 'object'`).
 */
export type Schema = TSchema | JsonSchemaObject;

/**
 * The TypeScript type of the values a schema accepts: `T` for a `Contract<T>`, the static type of a
 * TypeBox type, and `unknown` for an untyped plain JSON Schema.
 *
 * It is never an inference site: the schema's type comes from the schema value, never back from a callback
 * typed with `Infer`. Inferring back through TypeBox's `Static` would make the compiler measure the variance
 * of TypeBox's whole `Static` chain, which costs seconds in every program that calls `defineTool`.
 */
export type Infer<S> = NoInfer<
  S extends { readonly [staticType]?: infer T }
    ? unknown extends T
      ? S extends TSchema
        ? Static<S>
        : unknown
      : T
    : S extends TSchema
      ? Static<S>
      : unknown
>;

/**
 * Declares a plain JSON Schema together with the type of the values it accepts, for use wherever a
 * TypeBox type would go. The schema is returned as it is, not compiled: nothing checks that `T` matches
 * it, and a broken schema throws `invalid_schema` when the agent, code step or tool that uses it is
 * defined. It throws `invalid_schema` itself only when `schema` is not an object.
 *
 * @example
 * ```ts
 * import { defineTool, jsonSchema } from 'baton-flow';
 *
 * const InvoiceQuery = jsonSchema<{ invoiceId: string }>({
 *   type: 'object',
 *   required: ['invoiceId'],
 *   properties: { invoiceId: { type: 'string', pattern: '^INV-\\d+$' } },
 *   additionalProperties: false,
 * });
 *
 * export const lookupInvoice = defineTool({
 *   name: 'lookup_invoice',
 *   description: 'Looks up an invoice by id.',
 *   input: InvoiceQuery,
 *   run: ({ input }) => ({ invoiceId: input.invoiceId, status: 'paid' }),
 * });
 * ```
 */
export function jsonSchema<T>(schema: JsonSchemaObject): Contract<T> {
  return asSchemaObject(schema, 'jsonSchema') as Contract<T>;
}

/** Returns the schema as a plain object, or throws `invalid_schema` naming where it was given. */
export function asSchemaObject(schema: unknown, where: string): JsonSchemaObject {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new BatonError(
      'invalid_schema',
      `${where}: expected a JSON Schema object (a TypeBox type or plain JSON Schema), got ${describe(schema)}.`,
      { details: { where } },
    );
  }
  return schema as JsonSchemaObject;
}

/**
 * Throws `invalid_schema` unless the schema describes JSON objects. Handoff payloads, inputs and outputs
 * are objects so that each field is named, required or not, and can grow without breaking receivers.
 */
export function assertObjectSchema(schema: unknown, where: string): JsonSchemaObject {
  const object = asSchemaObject(schema, where);
  if (object.type !== 'object') {
    throw new BatonError(
      'invalid_schema',
      `${where}: the schema must describe an object (type: 'object'), got type ${JSON.stringify(object.type ?? null)}. ` +
        'Wrap the value in an object with a named property, e.g. Type.Object({ text: Type.String() }).',
      { details: { where, type: object.type ?? null } },
    );
  }
  return object;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
