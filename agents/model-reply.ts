import { BatonError, describeThrown, isBatonError } from '../contracts/errors.js';
import { plainJsonCopy } from '../contracts/json-value.js';
import type { ModelReply, StopReason, ToolCall, Usage } from './model.js';
import { estimateOutputTokens } from './tokens.js';

/**
 * The check every reply of every `Model` passes before the turn loop uses it: a custom model is user
 * code, and a provider's server may be anything that answers HTTP, so nothing about the shape is trusted.
 */

// A record, so that the compiler keeps it complete when a stop reason is added.
const STOP_REASONS: Readonly<Record<StopReason, true>> = {
  tool_calls: true,
  end: true,
  length: true,
  refusal: true,
};

/** The usage fields that hold token counts. */
const COUNTS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'reasoningTokens'] as const;

type Count = (typeof COUNTS)[number];

/** The most tool calls one reply may make. */
export const MAX_TOOL_CALLS = 128;

/**
 * A fresh, sanitised copy of what a model answered for one turn. It throws a non-retryable
 * `provider_error` with `details: { model, field, value }` when `text` is not a string, `toolCalls` is not
 * an array of at most 128 objects with a string `id` (each its own) and `name`, `stop` is not a stop reason, a usage count is not a
 * finite number ≥ 0, or cached input exceeds input or reasoning exceeds output. Counts the model did not
 * report are estimated (input by `estimate()`, output from the text and the tool call arguments) and
 * the usage is then marked `estimated: true`; fractional counts are rounded up. Tool call arguments that
 * are not plain JSON data (a bigint, `NaN`, a `Date`, a function: what no provider sends, and what a
 * stored run could not keep as it was) make the call `malformed`, its arguments replaced by a note that
 * says why, so the model is told to call again; other arguments are copied, so that nothing the model
 * does to them later changes what Baton checked. Arguments nested too deep or cyclic are left as they
 * are to the checks after this one, which say so.
 */
export function checkReply(reply: unknown, model: string, estimate: () => number): ModelReply {
  try {
    return sanitise(reply, model, estimate);
  } catch (error) {
    if (isBatonError(error)) throw error;
    // A getter or a proxy of a custom model threw while its reply was read.
    const said = describeThrown(error);
    throw new BatonError(
      'provider_error',
      `Model "${model}" returned a reply that could not be read: ${said}. Its call() must resolve to plain data.`,
      { retryable: false, cause: error, details: { model, field: 'reply', value: null } },
    );
  }
}

function sanitise(reply: unknown, model: string, estimate: () => number): ModelReply {
  if (!isRecord(reply)) throw unusable(model, 'reply', reply, 'an object');
  // Each field is read once: a getter that answers differently twice cannot slip past the check.
  const { text, toolCalls, stop, usage } = reply;
  if (typeof text !== 'string') throw unusable(model, 'text', text, 'a string');
  if (!Array.isArray(toolCalls)) throw unusable(model, 'toolCalls', toolCalls, 'an array');
  // Providers send a handful of parallel calls; thousands would run tool after tool past any deadline.
  if (toolCalls.length > MAX_TOOL_CALLS)
    throw unusable(model, 'toolCalls', toolCalls, `at most ${MAX_TOOL_CALLS} tool calls in one reply`);
  const calls = toolCalls.map((call: unknown, index) => toolCallOf(model, call, index));
  // Each call gets exactly one answer, by its id: two calls of one reply cannot share one.
  if (calls.length > 1) {
    const ids = new Set<string>();
    calls.forEach((call, index) => {
      if (ids.has(call.id))
        throw unusable(model, `toolCalls[${index}].id`, call.id, 'an id no other call of the reply has');
      ids.add(call.id);
    });
  }
  if (typeof stop !== 'string' || !Object.hasOwn(STOP_REASONS, stop))
    throw unusable(model, 'stop', stop, `one of ${Object.keys(STOP_REASONS).join(', ')}`);
  return {
    text,
    toolCalls: calls,
    stop: stop as StopReason,
    usage: usageOf(model, usage, estimate, () => estimateOutputTokens(text, calls)),
  };
}

function toolCallOf(model: string, call: unknown, index: number): ToolCall {
  const field = `toolCalls[${index}]`;
  if (!isRecord(call)) throw unusable(model, field, call, 'an object');
  const { id, name, arguments: args, malformed } = call;
  if (typeof id !== 'string' || id === '') throw unusable(model, `${field}.id`, id, 'a non-empty string');
  if (typeof name !== 'string' || name === '')
    throw unusable(model, `${field}.name`, name, 'a non-empty string');
  // A frozen copy: what a model does to its arguments object after it answered, or a tool to the input it
  // is given, cannot reach what was checked and what the transcript keeps.
  const copied = plainJsonCopy(args);
  if (copied.kind === 'data')
    return { id, name, arguments: `[arguments removed: ${copied.problem}]`, malformed: true };
  const kept = copied.kind === 'copy' ? copied.value : args;
  return malformed === true ? { id, name, arguments: kept, malformed } : { id, name, arguments: kept };
}

function usageOf(
  model: string,
  usage: unknown,
  estimateInput: () => number,
  estimateOutput: () => number,
): Usage {
  if (usage !== undefined && usage !== null && !isRecord(usage))
    throw unusable(model, 'usage', usage, 'an object');
  const given = usage ?? {};
  const counts: Partial<Record<Count, number>> = {};
  for (const key of COUNTS) {
    const value = given[key];
    if (value === undefined || value === null) continue;
    // Above 2^53 a count is no longer exact, and sums of such counts overflow to Infinity.
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER)
      throw unusable(model, `usage.${key}`, value, `a number from 0 to ${Number.MAX_SAFE_INTEGER}`);
    counts[key] = Math.ceil(value);
  }
  const { cachedInputTokens: cached, reasoningTokens: reasoning } = counts;
  let { inputTokens: input, outputTokens: output } = counts;
  if (cached !== undefined && input !== undefined && cached > input)
    throw unusable(model, 'usage.cachedInputTokens', cached, `at most usage.inputTokens (${input})`);
  if (reasoning !== undefined && output !== undefined && reasoning > output)
    throw unusable(model, 'usage.reasoningTokens', reasoning, `at most usage.outputTokens (${output})`);
  const estimated = input === undefined || output === undefined || given.estimated === true;
  // An estimate never falls below a part of it the model did report.
  input ??= Math.max(countOrZero(estimateInput()), cached ?? 0);
  output ??= Math.max(countOrZero(estimateOutput()), reasoning ?? 0);
  const checked: { -readonly [K in keyof Usage]: Usage[K] } = { inputTokens: input, outputTokens: output };
  if (cached !== undefined) checked.cachedInputTokens = cached;
  if (reasoning !== undefined) checked.reasoningTokens = reasoning;
  if (estimated) checked.estimated = true;
  return checked;
}

function countOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unusable(model: string, field: string, value: unknown, expected: string): BatonError {
  return new BatonError(
    'provider_error',
    `Model "${model}" replied with ${field} = ${describe(value)}, where Baton needs ${expected}. ` +
      'The reply cannot be used or metered: if this is a custom Model, fix what its call() returns; if it is a provider, check that its server speaks the API.',
    { retryable: false, details: { model, field, value: detail(value) } },
  );
}

/** A value as a message shows it: short, and never the contents of an object. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A value as `details` keeps it: primitives as they are (long strings cut), objects by their kind only. */
function detail(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (Array.isArray(value)) return '[array]';
  if (typeof value === 'object' && value !== null) return '[object]';
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint')
    return String(value);
  return value;
}
