import type { JsonSchemaObject } from '../contracts/schema.js';

/** A tool as the model sees it: a name, what it is for, and the JSON Schema of its arguments. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchemaObject;
  /** What the tool is in the flow: the agent's own tool, a handoff to another agent, finishing, or asking a person. */
  readonly kind: 'tool' | 'handoff' | 'finish' | 'ask';
}

/** A tool call the model made. `arguments` is the parsed JSON, or the raw text when it was not valid JSON. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
  /** Set when the model's argument text could not be parsed as JSON; `arguments` then holds the raw text. */
  readonly malformed?: true;
}

/** One message of an agent's own turn loop in the current visit. The first user message is always the input. */
export type Message =
  | { readonly role: 'assistant'; readonly text: string; readonly toolCalls: readonly ToolCall[] }
  | {
      readonly role: 'tool';
      readonly callId: string;
      readonly name: string;
      readonly content: string;
      readonly isError: boolean;
    }
  | { readonly role: 'user'; readonly content: string };

/** Tokens a call consumed, as the provider reported them. */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens served from the provider's prompt cache (already included in `inputTokens`). */
  readonly cachedInputTokens?: number;
  /** Output tokens spent on hidden reasoning (already included in `outputTokens`). */
  readonly reasoningTokens?: number;
  /** Set when Baton estimated a count the model did not report: budgets still meter the call. */
  readonly estimated?: true;
}

/**
 * What the runtime sends a model for one turn. The model sees the agent's instructions, its validated
 * input, the tools it may call and its own messages of this visit: never another agent's transcript.
 */
export interface ModelRequest {
  readonly agent: string;
  readonly instructions: string;
  readonly input: unknown;
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  /** `required` when the agent must decide through a tool (it always must, to hand off or finish). */
  readonly toolChoice: 'required' | 'auto';
  /** The output-token cap reserved for this call: never more than what the budgets have left. */
  readonly maxOutputTokens: number;
  /** Stable across a crash and resume for the same call, so providers can de-duplicate. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
}

/** Why a reply stopped. `length` means the output-token cap cut it off; `refusal` that the model refused. */
export type StopReason = 'tool_calls' | 'end' | 'length' | 'refusal';

/** What a model answers for one turn. */
export interface ModelReply {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: Usage;
  readonly stop: StopReason;
}

/** Prices in US dollars per million tokens. */
export interface Price {
  readonly input: number;
  readonly cachedInput?: number;
  readonly output: number;
}

/** The provider-neutral model port every provider implements: one call per turn. */
export interface Model {
  /** `provider:model`, e.g. `openai:gpt-5-mini` or `scripted`. */
  readonly id: string;
  /** Price per million tokens, used to meter and budget cost. Absent means the calls are free. */
  readonly price?: Price;
  call(request: ModelRequest): Promise<ModelReply>;
}

/** The cost in US dollars of a call's usage at a price. */
export function costOf(usage: Usage, price: Price | undefined): number {
  if (!price) return 0;
  const cached = usage.cachedInputTokens ?? 0;
  const fresh = usage.inputTokens - cached;
  return (
    (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) /
    1e6
  );
}
