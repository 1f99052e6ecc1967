import type { AnyAgent } from '../agents/define-agent.js';
import type { ToolSpec } from '../agents/model.js';
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
        parameters: tool.input as JsonSchemaObject,
        kind: 'tool',
      });
  }
  for (const target of targets) {
    specs.push({
      name: `handoff_to_${target.name}`,
      description: `Hand the task to ${target.name}: ${target.description} The arguments are all it will know.`,
      parameters: target.input,
      kind: 'handoff',
    });
  }
  if (finishSchema) {
    specs.push({
      name: 'finish',
      description:
        'Finish the task with the final result. It is checked against the done conditions; unmet ones come back to you.',
      parameters: finishSchema,
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
  return Object.freeze(specs);
}
