import { shapeProblem } from '../contracts/depth.js';
import { BatonError, describeThrown } from '../contracts/errors.js';
import { plainJsonCopy } from '../contracts/json-value.js';
import { formatViolations } from '../contracts/violations.js';
import type { AgentEventSink } from './agent-events.js';
import { type AttemptAbort, withSignal } from './attempt-abort.js';
import type { AnyTool } from './define-tool.js';
import type { Message, ToolCall } from './model.js';

/** What a tool call sees of the run's facts, and where its writes go. */
export interface ToolFacts {
  readonly values: Readonly<Record<string, unknown>>;
  readonly check: (name: string, value: unknown) => string | null;
  /** Filled with the call's writes as it makes them. */
  readonly written: Record<string, unknown>;
}

const NO_FACTS: ToolFacts = {
  values: {},
  check: () => 'the flow declares no facts',
  written: {},
};

/** A tool call's answer, as the model reads it on its next turn. */
export function toolResult(call: ToolCall, content: string, isError: boolean): Message {
  return { role: 'tool', callId: call.id, name: call.name, content, isError };
}

/**
 * Runs one of an agent's own tools for a call: validates the arguments against the tool's schema, runs
 * it with the attempt's signal, and answers with its JSON result or with what went wrong. A tool that
 * throws is answered, not rethrown, unless the attempt was aborted: then nothing it did is recorded.
 */
export async function runTool(
  tool: AnyTool,
  call: ToolCall,
  attempt: {
    readonly agent: { readonly name: string };
    readonly abort: AttemptAbort;
    readonly step: number;
    readonly events?: AgentEventSink | undefined;
  },
  idempotencyKey = `${attempt.agent.name}:${attempt.step}:${call.id}`,
  facts: ToolFacts = NO_FACTS,
): Promise<Message> {
  const { events, step, abort } = attempt;
  const agent = attempt.agent.name;
  abort.throwIfAborted();
  events?.record({ type: 'tool.called', agent, tool: tool.name, callId: call.id, step });
  const done = (content: string, ok: boolean): Message => {
    abort.throwIfAborted();
    events?.record({ type: 'tool.returned', agent, tool: tool.name, callId: call.id, ok, step });
    return toolResult(call, content, !ok);
  };
  if (call.malformed) return done('Rejected: the arguments are not valid JSON. Send a JSON object.', false);
  // Arguments nested too deep (or cyclic) are refused before the schema check walks them recursively.
  const shape = shapeProblem(call.arguments);
  if (shape) return done(`Rejected: the arguments are ${shape}. Send a plain JSON object.`, false);
  const checked = tool.validator.validate(call.arguments);
  if (!checked.ok)
    return done(
      `Rejected: the arguments do not fit the tool's schema:\n${formatViolations(checked.violations)}`,
      false,
    );
  try {
    const write = (name: string, value: unknown) => {
      abort.throwIfAborted();
      if (!tool.writes.includes(name)) {
        throw new BatonError(
          'invalid_argument',
          `Tool "${tool.name}" may not write fact "${name}": it declares ${tool.writes.length ? `writes: [${tool.writes.map((w) => `'${w}'`).join(', ')}]` : 'no writes'}.`,
          { details: { tool: tool.name, fact: name } },
        );
      }
      // A fact is kept in the run's state, which a store writes as JSON: what JSON would drop, change or
      // refuse is refused here, where the tool can still be told, not when the run is next committed.
      // A copy is kept, so that what the tool does to its value after the write cannot change the fact.
      const copied = plainJsonCopy(value);
      if (copied.kind !== 'copy') {
        throw new BatonError(
          'invalid_argument',
          `Fact "${name}" cannot be kept: it is ${copied.problem}. A run keeps its facts as JSON: write strings, finite numbers, booleans, null, arrays and plain objects.`,
          { details: { tool: tool.name, fact: name } },
        );
      }
      const problem = facts.check(name, copied.value);
      if (problem !== null) {
        throw new BatonError(
          'invalid_argument',
          `Fact "${name}" does not fit the flow's facts schema:\n${problem}`,
          {
            details: { tool: tool.name, fact: name },
          },
        );
      }
      facts.written[name] = copied.value;
    };
    const result = await tool.run(
      withSignal(
        { input: checked.value, idempotencyKey, facts: { ...facts.values, ...facts.written }, write },
        abort,
      ),
    );
    const text = JSON.stringify(result ?? null);
    // A function or a symbol has no JSON form: the model is told so, rather than sent nothing.
    if (text === undefined)
      return done(
        `The tool failed: it returned a ${typeof result}, which has no JSON form. A tool returns JSON: a string, number, boolean, null, array or plain object.`,
        false,
      );
    return done(text, true);
  } catch (error) {
    abort.throwIfAborted();
    return done(`The tool failed: ${describeThrown(error)}`, false);
  }
}
