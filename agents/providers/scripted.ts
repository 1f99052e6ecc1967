import { kindOf } from '../../contracts/arguments.js';
import { BatonError } from '../../contracts/errors.js';
import type { Model, ModelReply, ModelRequest, Price, ToolCall, Usage } from '../model.js';
import { estimateInputTokens, estimateOutputTokens } from '../tokens.js';
import { checkedPrice } from './provider-support.js';

/** Token counts a scripted step reports; missing counts are estimated from the request and the reply. */
export type ScriptedUsage = Partial<
  Pick<Usage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'reasoningTokens'>
>;

interface StepBase {
  /** The agent this step answers; a call from another agent fails with `script_mismatch`. */
  readonly agent?: string;
  /** The token counts the reply reports; those missing are estimated. */
  readonly usage?: ScriptedUsage;
}

/**
 * One scripted reply, written as the decision or action it stands for; each becomes a `ModelReply` with
 * call ids `call_1`, `call_2`, … in the order the model makes them.
 */
export type ScriptStep =
  /** Calls `handoff_to_<handoff>` with `payload`. */
  | (StepBase & { readonly handoff: string; readonly payload: unknown })
  /** Calls `finish` with this output. */
  | (StepBase & { readonly finish: unknown })
  /** Calls `ask_human` with this question. */
  | (StepBase & { readonly ask: string })
  /** Calls one tool (one of the agent's own, or any name, to test a call it does not own) with `args`. */
  | (StepBase & { readonly tool: string; readonly args: unknown })
  /** Calls several tools in one reply, in order. */
  | (StepBase & { readonly calls: readonly { readonly tool: string; readonly args: unknown }[] })
  /** Answers text and calls nothing; `stop` defaults to `end` (`length` and `refusal` test those paths). */
  | (StepBase & { readonly text: string; readonly stop?: ModelReply['stop'] })
  /** Answers exactly this reply. */
  | (StepBase & { readonly reply: Omit<ModelReply, 'usage'> })
  /** Rejects the call with this error, as a provider failure would. */
  | (StepBase & { readonly fail: Error })
  /** Waits until the call is aborted (by a cancel or a deadline), then rejects. */
  | (StepBase & { readonly hang: true });

/**
 * A function that answers each call from the request, for scripts that depend on the input or on the
 * agent's tool results so far; it may serve any number of runs.
 */
export type ScriptResponder = (request: ModelRequest) => ScriptStep;

/** A model request as the scripted model records it (everything but the signal). */
export type RecordedRequest = Omit<ModelRequest, 'signal'>;

/** The scripted model: a deterministic `Model` for tests and offline examples, as `scripted` makes it. */
export interface ScriptedModel extends Model {
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** How many scripted steps are left (0 for a responder). */
  readonly remaining: number;
  /** Throws `script_incomplete` if any scripted step was never used. */
  assertComplete(): void;
}

/** Options of the scripted model. */
export interface ScriptedOptions {
  /** Its `Model.id` (default `scripted`). */
  readonly id?: string;
  /** A price to meter its calls at, to test cost budgets (default: none, the calls are free). */
  readonly price?: Price;
  /**
   * Keep every request in `requests` (default true). Turn it off for a responder shared by many runs
   * (an offline example, a benchmark), where keeping them would grow without bound.
   */
  readonly record?: boolean;
}

/**
 * A model that answers from a script: a list of steps used in order, or a responder function. It records
 * every request (unless `record: false`), throws `script_exhausted` on a call past the end of the list,
 * `script_mismatch` when a step names another agent than the one calling, and `aborted` when the call's
 * signal aborts; `assertComplete()` throws `script_incomplete` when steps were left unused. Token counts a
 * step does not give are estimated from the request and the reply, so budgets meter scripted runs too.
 *
 * @example
 * ```ts
 * import { type Flow, runFlow } from 'baton-flow';
 * import { scripted } from 'baton-flow/testing';
 *
 * type Resolution = { ticketId: string; reply: string };
 * declare const support: Flow<'support', { id: string }, Resolution, 'triage' | 'billing'>;
 *
 * const model = scripted([
 *   { agent: 'triage', handoff: 'billing', payload: { ticketId: 'T-1', invoiceId: 'INV-7' } },
 *   { agent: 'billing', tool: 'lookup_invoice', args: { invoiceId: 'INV-7' } },
 *   { agent: 'billing', finish: { ticketId: 'T-1', reply: 'Invoice INV-7 was paid twice: refunded.' } },
 * ]);
 * const result = await runFlow(support, { id: 'T-1' }, { models: model });
 * model.assertComplete(); // throws script_incomplete if the run ended before the last step
 * ```
 */
export function scripted(
  script: readonly ScriptStep[] | ScriptResponder,
  options: ScriptedOptions = {},
): ScriptedModel {
  if (typeof script !== 'function' && !Array.isArray(script))
    throw new BatonError(
      'invalid_argument',
      `scripted expects a list of steps or a responder function, got ${kindOf(script)}.`,
    );
  checkedPrice('scripted()', options.price);
  const steps = typeof script === 'function' ? null : [...script];
  const requests: RecordedRequest[] = [];
  let cursor = 0;
  let callIds = 0;
  let calls = 0;
  const id = options.id ?? 'scripted';
  const keep = options.record ?? true;

  const nextStep = (request: ModelRequest): ScriptStep => {
    if (typeof script === 'function') return script(request);
    const step = steps?.[cursor];
    if (!step) {
      throw new BatonError(
        'script_exhausted',
        `Scripted model got call ${calls} (from agent "${request.agent}") but its script has only ${cursor} steps. ` +
          'Add a step for this call, or check why the flow made it.',
        { details: { agent: request.agent, call: calls } },
      );
    }
    if (step.agent !== undefined && step.agent !== request.agent) {
      throw new BatonError(
        'script_mismatch',
        `Scripted step ${cursor + 1} is for agent "${step.agent}" but agent "${request.agent}" called. The flow took a different path than the script expects.`,
        { details: { expected: step.agent, actual: request.agent, step: cursor + 1 } },
      );
    }
    cursor += 1;
    return step;
  };

  const call = (name: string, args: unknown): ToolCall => {
    callIds += 1;
    return { id: `call_${callIds}`, name, arguments: args };
  };

  const toReply = (step: ScriptStep, request: ModelRequest): Omit<ModelReply, 'usage'> => {
    if ('handoff' in step)
      return { text: '', toolCalls: [call(`handoff_to_${step.handoff}`, step.payload)], stop: 'tool_calls' };
    if ('finish' in step) return { text: '', toolCalls: [call('finish', step.finish)], stop: 'tool_calls' };
    if ('ask' in step)
      return { text: '', toolCalls: [call('ask_human', { question: step.ask })], stop: 'tool_calls' };
    if ('tool' in step) return { text: '', toolCalls: [call(step.tool, step.args)], stop: 'tool_calls' };
    if ('calls' in step)
      return { text: '', toolCalls: step.calls.map((c) => call(c.tool, c.args)), stop: 'tool_calls' };
    if ('text' in step) return { text: step.text, toolCalls: [], stop: step.stop ?? 'end' };
    if ('reply' in step) return step.reply;
    if ('fail' in step) throw step.fail;
    throw new BatonError('invalid_argument', `Scripted step for agent "${request.agent}" has no reply.`);
  };

  return {
    id,
    ...(options.price ? { price: options.price } : {}),
    get requests() {
      return requests;
    },
    get remaining() {
      return steps ? steps.length - cursor : 0;
    },
    assertComplete() {
      if (steps && cursor < steps.length) {
        throw new BatonError(
          'script_incomplete',
          `Scripted model used ${cursor} of ${steps.length} steps; step ${cursor + 1} was never called. The flow ended earlier than the script expects.`,
          { details: { used: cursor, total: steps.length } },
        );
      }
    },
    async call(request) {
      const { signal } = request;
      calls += 1;
      if (keep) requests.push(withoutSignal(request));
      if (signal.aborted) throw abortError(signal);
      const step = nextStep(request);
      if ('hang' in step) {
        await new Promise<never>((_, reject) => {
          signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
        });
      }
      const reply = toReply(step, request);
      return {
        text: reply.text,
        toolCalls: reply.toolCalls,
        stop: reply.stop,
        usage: usageOf(step, reply, request),
      };
    },
  };
}

/** What a scripted model keeps of a request: all of it but the signal. */
function withoutSignal(request: ModelRequest): Omit<ModelRequest, 'signal'> {
  const { signal: _signal, ...recorded } = request;
  return recorded;
}

/**
 * The usage a scripted reply reports: the step's own, else estimated from the request and the reply.
 * Built without spreads, which cost more than the rest of a scripted call on Node 20.
 */
function usageOf(step: ScriptStep, reply: Omit<ModelReply, 'usage'>, request: ModelRequest): Usage {
  const given = step.usage ?? {};
  const usage: { -readonly [K in keyof Usage]: Usage[K] } = {
    inputTokens: given.inputTokens ?? estimateInputTokens(request),
    // The whole tool calls' JSON (ids and names too), as scripted replies have always been counted.
    outputTokens: given.outputTokens ?? estimateOutputTokens(reply.text, [{ arguments: reply.toolCalls }]),
  };
  if (given.cachedInputTokens !== undefined) usage.cachedInputTokens = given.cachedInputTokens;
  if (given.reasoningTokens !== undefined) usage.reasoningTokens = given.reasoningTokens;
  return usage;
}

function abortError(signal: AbortSignal): BatonError {
  return new BatonError('aborted', 'The model call was aborted.', { cause: signal.reason });
}
