import type { AnyAgent } from '../agents/define-agent.js';
import type { ToolSpec } from '../agents/model.js';
import { frozenData, plainJsonCopy } from '../contracts/json-value.js';
import type { JsonSchemaObject } from '../contracts/schema.js';

const ASK_SCHEMA: JsonSchemaObject = Object.freeze({
  type: 'object',
  required: ['question'],
  properties: {
    question: { type: 'string', description: 'The question, complete enough for a person to answer alone.' },
  },
  additionalProperties: false,
});

/**
 * The tools an agent sees: its own tools, one handoff tool per outgoing route (parameters: the target's
 * input schema; description: the target's capability), finish (parameters: the output schema) when it
 * may finish, and ask_human when it may ask. It can reach no agent that is not listed here.
 */
export function toolSpecsFor(
  agent: AnyAgent,
  targets: readonly AnyAgent[],
  finishSchema: JsonSchemaObject | null,
): readonly ToolSpec[] {
  const specs: ToolSpec[] = [];
  if (agent.kind === 'agent') {
    for (const tool of agent.tools)
      specs.push({
        name: tool.name,
        description: tool.description,
        parameters: frozenSchema(tool.input as JsonSchemaObject),
        kind: 'tool',
      });
  }
  for (const target of targets) {
    specs.push({
      name: `handoff_to_${target.name}`,
      description: `Hand the task to ${target.name}: ${target.description} The arguments are all it will know.`,
      parameters: frozenSchema(target.input),
      kind: 'handoff',
    });
  }
  if (finishSchema) {
    specs.push({
      name: 'finish',
      description:
        'Finish the task with the final result. It is checked against the done conditions; unmet ones come back to you.',
      parameters: frozenSchema(finishSchema),
      kind: 'finish',
    });
  }
  if (agent.kind === 'agent' && agent.ask) {
    specs.push({
      name: 'ask_human',
      description: 'Ask a person a question only they can answer. The run stops until they answer.',
      parameters: ASK_SCHEMA,
      kind: 'ask',
    });
  }
  return Object.freeze(specs.map((spec) => Object.freeze(spec)));
}

/** The frozen copy of each schema handed to models, made once per schema. */
const copies = new WeakMap<object, JsonSchemaObject>();

/**
 * A frozen deep copy of a schema, as models see it: a model (or a wrapper) that edits the tool schemas it
 * is sent in place, to suit a provider, changes neither the flow's tools for later calls and runs nor the
 * caller's own schema object, from which a stored run's definition hash is read.
 */
function frozenSchema(schema: JsonSchemaObject): JsonSchemaObject {
  let copy = copies.get(schema);
  if (copy === undefined) {
    const plain = plainJsonCopy(schema);
    copy = (plain.kind === 'copy' ? plain.value : clonedOrGiven(schema)) as JsonSchemaObject;
    copies.set(schema, copy);
  }
  return copy;
}

/** A schema that is not plain JSON data (it holds a RegExp, say), frozen as structuredClone copies it, or as given when it cannot be copied. */
function clonedOrGiven(schema: JsonSchemaObject): JsonSchemaObject {
  try {
    return frozenData(structuredClone(schema));
  } catch {
    return schema;
  }
}
