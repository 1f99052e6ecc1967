import type { JsonSchemaObject } from '../contracts/schema.js';

/** What a person answers to an agent's question: some text. */
export const ASK_ANSWER: JsonSchemaObject = Object.freeze({
  type: 'string',
  minLength: 1,
  description: "The answer to the agent's question.",
}) as unknown as JsonSchemaObject;

/** What a person answers to an approval: approve, or reject with a reason the model reads. */
export const APPROVAL_ANSWER: JsonSchemaObject = Object.freeze({
  type: 'object',
  properties: {
    approved: { type: 'boolean', description: 'true runs the call; false rejects it.' },
    reason: { type: 'string', minLength: 1, description: 'Why: required when the call is rejected.' },
  },
  required: ['approved'],
  additionalProperties: false,
  if: { properties: { approved: { const: false } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable.
  then: { required: ['reason'] },
}) as unknown as JsonSchemaObject;
