import type { Static, TSchema } from 'typebox';
import { BatonError } from './errors.js';

/** A JSON Schema document as plain data. */
export interface JsonSchemaObject {
  readonly [keyword: string]: unknown;
}

declare const staticType: unique symbol;

/** A JSON Schema that carries the TypeScript type of the values it accepts. */
export type Contract<T = unknown> = JsonSchemaObject & { readonly [staticType]?: T };

/** Anything Baton accepts as a schema: a TypeBox type or a plain JSON Schema object. */
export type Schema = TSchema | JsonSchemaObject;

/** The TypeScript type of the values a schema accepts. */
export type Infer<S> = S extends { readonly [staticType]?: infer T }
  ? unknown extends T
    ? S extends TSchema
      ? Static<S>
      : unknown
    : T
  : S extends TSchema
    ? Static<S>
    : unknown;

/**
 * Declares a plain JSON Schema together with the type of the values it accepts.
 *
 * @example
 * const Ticket = jsonSchema<{ id: string }>({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } });
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
