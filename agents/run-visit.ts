import { BatonError, isBatonError } from '../contracts/errors.js';
import { formatViolations } from '../contracts/violations.js';
import type { AgentEvent } from './agent-events.js';
import type { Clock } from './clock.js';
import {
  type AgentOutcome,
  addUsage,
  type Decision,
  type Feedback,
  NO_USAGE,
  type VisitUsage,
} from './decision.js';
import type { Agent } from './define-agent.js';
import type { AnyTool } from './define-tool.js';
import { costOf, type Message, type Model, type ModelReply, type ToolCall, type ToolSpec } from './model.js';
import { estimateInputTokens } from './tokens.js';
import { isDecision, type Toolbox } from './toolbox.js';

/** What is left of the flow's budgets when a visit starts. */
export interface VisitRemaining {
  readonly tokens: number;
  readonly usd: number;
  readonly turns: number;
  /** Absolute clock time, or null for no deadline. */
  readonly deadline: number | null;
}

/** Everything one visit of an agent needs. Built by the flow from its context; nothing is read from globals. */
export interface VisitRequest {
  readonly agent: Agent;
  readonly model: Model;
  readonly input: unknown;
  /** The agent's tools, indexed once per flow (see `toolbox`). */
  readonly tools: Toolbox;
  /** Present on a repair: the visit's earlier messages and what was wrong with its decision. */
  readonly resume: { readonly transcript: readonly Message[]; readonly feedback: Feedback } | null;
  readonly remaining: VisitRemaining;
  /** Prefix of each call's idempotency key: stable for the same run, step and visit. */
  readonly key: string;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Where progress events go; absent when nobody listens, so none are built. */
  readonly emit?: ((event: AgentEvent) => void) | undefined;
}

const NO_MESSAGES: readonly Message[] = Object.freeze([]);

/**
 * Runs one visit of an agent: model turns, its own tools, until it decides (hand off, finish, ask),
 * calls a tool it does not own, or a budget cannot pay for the next call. Never reads another agent's
 * messages: the first message is the validated input.
 */
export async function runVisit(request: VisitRequest): Promise<AgentOutcome> {
  const { agent, model, clock, emit } = request;
  const { byName, own: ownTools } = request.tools;
  const messages: Message[] = request.resume
    ? [...request.resume.transcript, feedbackMessage(request.resume.feedback)]
    : [];
  let usage: VisitUsage = NO_USAGE;
  const turnCap = Math.min(agent.budget.turns, request.remaining.turns);
  const tokenCap = Math.min(agent.budget.tokens, request.remaining.tokens);

  const end = (decision: Decision): AgentOutcome => ({
    decision,
    usage,
    transcript: messages,
    endedAt: clock.now(),
  });

  for (let turn = 1; ; turn += 1) {
    if (turn > turnCap) {
      const which =
        agent.budget.turns <= request.remaining.turns
          ? `agent "${agent.name}" allows ${agent.budget.turns}`
          : `the flow has ${request.remaining.turns} left`;
      return end(exhausted('turn_limit', `Agent "${agent.name}" needs another model turn but ${which}.`));
    }
    const deadline = request.remaining.deadline;
    if (deadline !== null && clock.now() >= deadline) {
      return end(
        exhausted('deadline', `The run's deadline passed before agent "${agent.name}" could call its model.`),
      );
    }
    // The model gets a copy of the messages: the loop goes on appending to its own list.
    const sent = messages.length === 0 ? NO_MESSAGES : messages.slice();
    const tools = request.tools.specs;
    const estimate = estimateInputTokens({
      instructions: agent.instructions,
      input: request.input,
      messages: sent,
      tools,
    });
    const tokensLeft = tokenCap - usage.inputTokens - usage.outputTokens;
    let cap = Math.min(agent.budget.maxOutputTokens, tokensLeft - estimate);
    if (cap < 1) {
      return end(
        exhausted(
          'token_budget',
          `Agent "${agent.name}" has ${Math.max(0, tokensLeft)} tokens left, not enough for a call of about ${estimate} input tokens.`,
        ),
      );
    }
    if (model.price) {
      const usdLeft = request.remaining.usd - usage.costUsd;
      const affordable = Math.floor(
        ((usdLeft - (estimate * model.price.input) / 1e6) * 1e6) / model.price.output,
      );
      cap = Math.min(cap, affordable);
      if (cap < 1) {
        return end(
          exhausted(
            'cost_budget',
            `Agent "${agent.name}" has $${Math.max(0, usdLeft).toFixed(6)} left, not enough for another call.`,
          ),
        );
      }
    }
    emit?.({
      type: 'model.called',
      agent: agent.name,
      turn,
      maxOutputTokens: cap,
      tools: request.tools.names,
    });
    let reply: ModelReply;
    const call = withDeadline(request.signal, deadline, clock);
    try {
      reply = await model.call({
        agent: agent.name,
        instructions: agent.instructions,
        input: request.input,
        messages: sent,
        tools,
        toolChoice: 'required',
        maxOutputTokens: cap,
        idempotencyKey: `${request.key}:${turn}`,
        signal: call.signal,
      });
    } catch (error) {
      if (call.expired())
        return end(
          exhausted(
            'deadline',
            `The run's deadline passed while agent "${agent.name}" waited for its model.`,
          ),
        );
      throw asProviderError(error, agent.name, model.id);
    } finally {
      call.dispose();
    }
    const cost = costOf(reply.usage, model.price);
    usage = addUsage(usage, reply.usage, cost);
    emit?.({
      type: 'model.replied',
      agent: agent.name,
      turn,
      stop: reply.stop,
      toolCalls: reply.toolCalls.map((c) => c.name),
      usage: { inputTokens: reply.usage.inputTokens, outputTokens: reply.usage.outputTokens, costUsd: cost },
    });
    messages.push({ role: 'assistant', text: reply.text, toolCalls: reply.toolCalls });

    const unknown = reply.toolCalls.find((c) => !byName.has(c.name));
    if (unknown) {
      const message = `Agent "${agent.name}" called "${unknown.name}", which it does not own. Its tools are: ${[...byName.keys()].join(', ')}.`;
      // The other calls are answered here; the unknown one is answered by the flow's repair feedback,
      // so that every call gets exactly one result (providers reject a call answered twice).
      for (const c of reply.toolCalls) {
        if (c !== unknown)
          messages.push(toolResult(c, 'Not run: the reply called a tool the agent does not own.', true));
      }
      return end({
        kind: 'rejected',
        code: 'tool_not_allowed',
        tool: unknown.name,
        message,
        callId: unknown.id,
      });
    }
    const decisions = reply.toolCalls.filter((c) => isDecision(byName.get(c.name)));
    for (const c of reply.toolCalls) {
      if (!decisions.includes(c)) messages.push(await runTool(ownTools.get(c.name)!, c, request));
    }
    const [decision] = decisions;
    if (decision?.malformed && decisions.length === 1) {
      const cut = reply.stop === 'length' ? ' The reply was cut off by the output-token cap: say less.' : '';
      messages.push(
        toolResult(decision, `Rejected: the arguments are not valid JSON.${cut} Call the tool again.`, true),
      );
      continue;
    }
    if (decision && decisions.length === 1) return end(toDecision(decision, byName.get(decision.name)!));
    if (decisions.length > 1) {
      for (const c of decisions)
        messages.push(
          toolResult(c, 'Rejected: call exactly one of the handoff, finish or ask tools per reply.', true),
        );
      continue;
    }
    if (reply.toolCalls.length === 0) {
      const why =
        reply.stop === 'length'
          ? 'Your reply was cut off by the output-token cap.'
          : reply.stop === 'refusal'
            ? 'You declined to answer.'
            : 'You replied without calling a tool.';
      messages.push({
        role: 'user',
        content: `${why} Decide by calling exactly one of: ${request.tools.decisions}.`,
      });
    }
  }
}

function toDecision(call: ToolCall, spec: ToolSpec): Decision {
  if (spec.kind === 'finish') return { kind: 'finish', output: call.arguments, callId: call.id };
  if (spec.kind === 'ask') {
    const question = (call.arguments as { question?: unknown } | null)?.question;
    return {
      kind: 'ask',
      question: typeof question === 'string' ? question : JSON.stringify(call.arguments),
      callId: call.id,
    };
  }
  return {
    kind: 'handoff',
    to: spec.name.slice('handoff_to_'.length),
    payload: call.arguments,
    callId: call.id,
  };
}

function exhausted(code: Extract<Decision, { kind: 'exhausted' }>['code'], message: string): Decision {
  return { kind: 'exhausted', code, message };
}

function feedbackMessage(feedback: Feedback): Message {
  if (feedback.callId !== null && feedback.tool !== null) {
    return {
      role: 'tool',
      callId: feedback.callId,
      name: feedback.tool,
      content: feedback.message,
      isError: true,
    };
  }
  return { role: 'user', content: feedback.message };
}

function toolResult(call: ToolCall, content: string, isError: boolean): Message {
  return { role: 'tool', callId: call.id, name: call.name, content, isError };
}

async function runTool(tool: AnyTool, call: ToolCall, request: VisitRequest): Promise<Message> {
  const agent = request.agent.name;
  request.emit?.({ type: 'tool.called', agent, tool: tool.name, callId: call.id });
  const done = (content: string, ok: boolean): Message => {
    request.emit?.({ type: 'tool.returned', agent, tool: tool.name, callId: call.id, ok });
    return toolResult(call, content, !ok);
  };
  if (call.malformed) return done('Rejected: the arguments are not valid JSON. Send a JSON object.', false);
  const checked = tool.validator.validate(call.arguments);
  if (!checked.ok)
    return done(
      `Rejected: the arguments do not fit the tool's schema:\n${formatViolations(checked.violations)}`,
      false,
    );
  try {
    const result = await tool.run({ input: checked.value, signal: request.signal });
    return done(JSON.stringify(result ?? null), true);
  } catch (error) {
    if (request.signal.aborted) throw error;
    return done(`The tool failed: ${error instanceof Error ? error.message : String(error)}`, false);
  }
}

function asProviderError(error: unknown, agent: string, model: string): BatonError {
  if (isBatonError(error)) return error;
  return new BatonError(
    'provider_error',
    `Model "${model}" failed for agent "${agent}": ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
      details: { agent, model },
      retryable: false,
    },
  );
}

/** A signal that aborts with the caller's signal or at the deadline, whichever comes first. */
function withDeadline(signal: AbortSignal, deadline: number | null, clock: Clock) {
  if (deadline === null) return { signal, expired: never, dispose: nothing };
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = clock.setTimeout(
    () => {
      expired = true;
      controller.abort(new BatonError('aborted', 'The run deadline passed.'));
    },
    Math.max(0, deadline - clock.now()),
  );
  return {
    signal: controller.signal,
    expired: () => expired || (!signal.aborted && clock.now() >= deadline),
    dispose: () => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

const never = () => false;
const nothing = () => undefined;
