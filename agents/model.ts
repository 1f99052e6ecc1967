import { kindOf } from '../contracts/arguments.js';
import { BatonError, type ErrorCode } from '../contracts/errors.js';
import type { JsonSchemaObject } from '../contracts/schema.js';

/**
 * A tool as the model sees it: a name, what it is for, and the JSON Schema of its arguments. The runtime
 * builds one for each of the agent's own tools, each route (`handoff_to_<agent>`, with the target's
 * input schema), `finish` (with the output schema) and `ask_human`, as the agent may use them.
 */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchemaObject;
  /** What the tool is in the flow: the agent's own tool, a handoff to another agent, finishing, or asking a person. */
  readonly kind: 'tool' | 'handoff' | 'finish' | 'ask';
}

/** A tool call the model made. `arguments` is the parsed JSON, or the raw text when it was not valid JSON. */
export interface ToolCall {
  /** The provider's id of the call, which the tool's answer refers to. */
  readonly id: string;
  /** The name of the tool called, as in its `ToolSpec`. */
  readonly name: string;
  readonly arguments: unknown;
  /** Set when the model's argument text could not be parsed as JSON; `arguments` then holds the raw text. */
  readonly malformed?: true;
}

/**
 * One message of an agent's own turn loop in the current visit: an assistant reply with its tool calls,
 * a tool's answer to one call (`isError` for rejected arguments, a failed tool or a repair's feedback), or
 * a user message (a repair's feedback that answers no call). The validated input is not a message: it
 * travels in `ModelRequest.input`, and providers send it first.
 */
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
  /** All input tokens of the call, cached ones included. */
  readonly inputTokens: number;
  /** All output tokens of the call, reasoning ones included. */
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
  /** The name of the agent whose turn this is. */
  readonly agent: string;
  /** The agent's instructions: its system prompt. */
  readonly instructions: string;
  /** The agent's validated input: the payload it was handed, or the flow's input for the start agent. */
  readonly input: unknown;
  /** The facts of the run the agent declared it reads, as they stand now; absent when it declared none. */
  readonly facts?: Readonly<Record<string, unknown>>;
  /** The agent's own messages of this visit so far (empty on its first turn). */
  readonly messages: readonly Message[];
  /** Every tool the agent may call this turn, its decisions (handoff, finish, ask) included. */
  readonly tools: readonly ToolSpec[];
  /** `required` when the agent must decide through a tool (it always must, to hand off or finish). */
  readonly toolChoice: 'required' | 'auto';
  /** The output-token cap reserved for this call: never more than what the budgets have left. */
  readonly maxOutputTokens: number;
  /** Stable across a crash and resume for the same call, so providers can de-duplicate. */
  readonly idempotencyKey: string;
  /** Aborts at the run's deadline or on cancel: pass it on to the HTTP call. */
  readonly signal: AbortSignal;
}

/** Why a reply stopped. `length` means the output-token cap cut it off; `refusal` that the model refused. */
export type StopReason = 'tool_calls' | 'end' | 'length' | 'refusal';

/**
 * What a model answers for one turn. The runtime checks it before using it: a reply of the wrong shape,
 * or token counts that are not counts, fail the run with `provider_error`.
 */
export interface ModelReply {
  /** The reply's text (empty when it only calls tools). */
  readonly text: string;
  /** The tools it calls, in order: the agent's own tools run, a decision tool ends the attempt. */
  readonly toolCalls: readonly ToolCall[];
  readonly usage: Usage;
  readonly stop: StopReason;
}

/** Prices in US dollars per million tokens. */
export interface Price {
  /** Per million input tokens. */
  readonly input: number;
  /** Per million input tokens served from the prompt cache (default: the `input` price). */
  readonly cachedInput?: number;
  /** Per million output tokens, reasoning included. */
  readonly output: number;
}

/**
 * The provider-neutral model port every provider implements: one call per turn. `openai`, `anthropic`,
 * `scripted`, `record` and `replay` make one; a custom model implements `call`. A call that rejects fails
 * the run with `provider_error` (a `BatonError`'s code and `retryable` flag are kept in the reason's
 * details), unless the run was aborted first.
 */
export interface Model {
  /** `provider:model`, e.g. `openai:gpt-5-mini` or `scripted`. */
  readonly id: string;
  /** Price per million tokens, used to meter and budget cost. Absent means the calls are free. */
  readonly price?: Price;
  /**
   * The fewest output tokens a call may be capped at, when the API refuses a smaller cap (OpenAI's
   * Responses API: 16). A budget that leaves fewer ends the run `token_budget` before the call, as it
   * would with none left. Default 1.
   */
  readonly minOutputTokens?: number;
  /** Answers one turn. It should stop when `request.signal` aborts, and reject when the provider fails. */
  call(request: ModelRequest): Promise<ModelReply>;
}

/**
 * What is wrong with a price, said for a person ("output must be a finite number of dollars, 0 or more,
 * got NaN"), or null for a price Baton can meter with: absent, or `input`, `output` and any `cachedInput`
 * finite and at least 0. A negative or NaN price would make a cost that no dollar budget stops.
 */
export function priceProblem(price: unknown): string | null {
  if (price === undefined) return null;
  if (typeof price !== 'object' || price === null || Array.isArray(price))
    return `it must be an object { input, output, cachedInput? } in dollars per million tokens, got ${kindOf(price)}`;
  const fields = price as Record<string, unknown>;
  for (const key of ['input', 'output', 'cachedInput'] as const) {
    const value = fields[key];
    if (key === 'cachedInput' && value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      const got = typeof value === 'number' ? String(value) : value === undefined ? 'nothing' : typeof value;
      return `${key} must be a finite number of dollars per million tokens, 0 or more, got ${got}`;
    }
  }
  return null;
}

/**
 * Refuses, with `code`, a price that could not meter a dollar budget: the message is `lead` (what the price
 * is of, e.g. `Agent "triage": the price of its model "custom"`), then what is wrong with it.
 */
export function assertPrice(
  price: unknown,
  code: ErrorCode,
  lead: string,
  details?: Readonly<Record<string, unknown>>,
): void {
  const problem = priceProblem(price);
  if (problem === null) return;
  throw new BatonError(code, `${lead} cannot meter a budget: ${problem}.`, details ? { details } : undefined);
}

/**
 * The cost in US dollars of a call's usage at a price: cached input at `cachedInput` (or the `input`
 * price when it has none), the rest of the input at `input`, the output at `output`. 0 when the price is
 * undefined, as for a model without one.
 *
 * @example
 * ```ts
 * import { costOf, priceOf } from 'baton-flow';
 *
 * const usage = { inputTokens: 12_000, cachedInputTokens: 8_000, outputTokens: 900 };
 * const usd = costOf(usage, priceOf('openai:gpt-5-mini'));
 * // (4 000 × 0.25 + 8 000 × 0.025 + 900 × 2) / 1 000 000 = 0.003
 * ```
 */
export function costOf(usage: Usage, price: Price | undefined): number {
  if (!price) return 0;
  const cached = usage.cachedInputTokens ?? 0;
  const fresh = usage.inputTokens - cached;
  return (
    (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) /
    1e6
  );
}
