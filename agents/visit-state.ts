import {
  type AgentOutcome,
  addUsage,
  type Decision,
  type Feedback,
  NO_USAGE,
  type VisitUsage,
} from './decision.js';
import type { AnyTool } from './define-tool.js';
import {
  costOf,
  type Message,
  type ModelReply,
  type ModelRequest,
  type ToolCall,
  type ToolSpec,
} from './model.js';
import { toolResult } from './run-tool.js';
import { estimateInputTokens } from './tokens.js';
import { isDecision } from './toolbox.js';
import type { VisitRequest } from './visit-request.js';

const NO_MESSAGES: readonly Message[] = Object.freeze([]);

/**
 * What one visit has done so far: its messages and usage, and the caps its budgets set. The turn loop in
 * `runVisit` awaits the model and the tools; every decision between two awaits is made here, so the loop's
 * suspended frame stays small while a run waits for its model.
 */
export class VisitState {
  /** The agent's own messages of this visit; a repair continues them. */
  readonly messages: Message[];
  private usage: VisitUsage = NO_USAGE;
  /** The model turn being reserved, sent and taken: 1 for the first call of the visit. */
  private turn = 0;
  private readonly turnCap: number;
  private readonly tokenCap: number;

  constructor(private readonly request: VisitRequest) {
    const { agent, remaining, resume } = request;
    this.messages = resume ? [...resume.transcript, feedbackMessage(resume.feedback)] : [];
    this.turnCap = Math.min(agent.budget.turns, remaining.turns);
    this.tokenCap = Math.min(agent.budget.tokens, remaining.tokens);
  }

  /**
   * Reserves the next turn: the output-token cap its call may use (what the budgets have left beyond the
   * estimated input), or the outcome that ends the visit because a budget cannot pay for the call.
   */
  reserve(): number | AgentOutcome {
    const { agent, remaining, clock } = this.request;
    this.turn += 1;
    const turn = this.turn;
    if (turn > this.turnCap) {
      const which =
        agent.budget.turns <= remaining.turns
          ? `agent "${agent.name}" allows ${agent.budget.turns}`
          : `the flow has ${remaining.turns} left`;
      return this.end(
        exhausted('turn_limit', `Agent "${agent.name}" needs another model turn but ${which}.`),
      );
    }
    if (remaining.deadline !== null && clock.now() >= remaining.deadline) {
      return this.end(
        exhausted('deadline', `The run's deadline passed before agent "${agent.name}" could call its model.`),
      );
    }
    const tokensLeft = this.tokenCap - this.usage.inputTokens - this.usage.outputTokens;
    const usdLeft = remaining.usd - this.usage.costUsd;
    const price = this.request.model.price;
    // The request is measured only when a finite budget needs the estimate: with none, the cap is the
    // agent's maxOutputTokens whatever the input's size.
    const estimate =
      Number.isFinite(tokensLeft) || (price && Number.isFinite(usdLeft))
        ? estimateInputTokens({
            instructions: agent.instructions,
            input: this.request.input,
            messages: this.messages,
            tools: this.request.tools.specs,
          })
        : 0;
    let cap = Math.min(agent.budget.maxOutputTokens, tokensLeft - estimate);
    if (cap < 1) {
      return this.end(
        exhausted(
          'token_budget',
          `Agent "${agent.name}" has ${Math.max(0, tokensLeft)} tokens left, not enough for a call of about ${estimate} input tokens.`,
        ),
      );
    }
    if (price) {
      const affordable = Math.floor(((usdLeft - (estimate * price.input) / 1e6) * 1e6) / price.output);
      cap = Math.min(cap, affordable);
      if (cap < 1) {
        return this.end(
          exhausted(
            'cost_budget',
            `Agent "${agent.name}" has $${Math.max(0, usdLeft).toFixed(6)} left, not enough for another call.`,
          ),
        );
      }
    }
    this.request.events?.record({
      type: 'model.called',
      agent: agent.name,
      turn,
      maxOutputTokens: cap,
      tools: this.request.tools.names,
      step: this.request.step,
    });
    return cap;
  }

  /** The request of the reserved turn, capped at `cap` output tokens. The model gets a copy of the messages. */
  call(cap: number, signal: AbortSignal): ModelRequest {
    const { agent, input, tools, key } = this.request;
    return {
      agent: agent.name,
      instructions: agent.instructions,
      input,
      messages: this.messages.length === 0 ? NO_MESSAGES : this.messages.slice(),
      tools: tools.specs,
      toolChoice: 'required',
      maxOutputTokens: cap,
      idempotencyKey: `${key}:${this.turn}`,
      signal,
    };
  }

  /**
   * Takes the model's reply to the reserved turn: meters it and keeps it in the messages. A call to a tool the
   * agent does not own ends the visit (the flow's repair answers that call; the others are answered here,
   * so every call gets exactly one result, as providers require).
   */
  take(reply: ModelReply): AgentOutcome | null {
    const { agent, model, tools, events } = this.request;
    const cost = costOf(reply.usage, model.price);
    this.usage = addUsage(this.usage, reply.usage, cost);
    events?.record({
      type: 'model.replied',
      agent: agent.name,
      turn: this.turn,
      stop: reply.stop,
      toolCalls: reply.toolCalls.map((c) => c.name),
      usage: { inputTokens: reply.usage.inputTokens, outputTokens: reply.usage.outputTokens, costUsd: cost },
      step: this.request.step,
    });
    this.messages.push({ role: 'assistant', text: reply.text, toolCalls: reply.toolCalls });
    const unknown = reply.toolCalls.find((c) => !tools.byName.has(c.name));
    if (!unknown) return null;
    for (const c of reply.toolCalls) {
      if (c !== unknown)
        this.messages.push(toolResult(c, 'Not run: the reply called a tool the agent does not own.', true));
    }
    return this.end({
      kind: 'rejected',
      code: 'tool_not_allowed',
      tool: unknown.name,
      message: `Agent "${agent.name}" called "${unknown.name}", which it does not own. Its tools are: ${[...tools.byName.keys()].join(', ')}.`,
      callId: unknown.id,
    });
  }

  /** The agent's own tool a call runs, or undefined for a decision (handoff, finish, ask). */
  ownTool(call: ToolCall): AnyTool | undefined {
    const { byName, own } = this.request.tools;
    return isDecision(byName.get(call.name)) ? undefined : own.get(call.name);
  }

  /**
   * Reads the decision of a reply whose own tools have run: the outcome when it made exactly one
   * well-formed decision, or null after telling the model what to fix on its next turn.
   */
  decide(reply: ModelReply): AgentOutcome | null {
    const { byName } = this.request.tools;
    const decisions = reply.toolCalls.filter((c) => isDecision(byName.get(c.name)));
    const [decision] = decisions;
    if (decision && decisions.length === 1) {
      if (!decision.malformed) return this.end(toDecision(decision, byName.get(decision.name)!));
      const cut = reply.stop === 'length' ? ' The reply was cut off by the output-token cap: say less.' : '';
      this.messages.push(
        toolResult(decision, `Rejected: the arguments are not valid JSON.${cut} Call the tool again.`, true),
      );
      return null;
    }
    if (decisions.length > 1) {
      for (const c of decisions)
        this.messages.push(
          toolResult(c, 'Rejected: call exactly one of the handoff, finish or ask tools per reply.', true),
        );
      return null;
    }
    if (reply.toolCalls.length === 0) {
      const why =
        reply.stop === 'length'
          ? 'Your reply was cut off by the output-token cap.'
          : reply.stop === 'refusal'
            ? 'You declined to answer.'
            : 'You replied without calling a tool.';
      this.messages.push({
        role: 'user',
        content: `${why} Decide by calling exactly one of: ${this.request.tools.decisions}.`,
      });
    }
    return null;
  }

  /** Ends the visit because the run's deadline passed while the model was answering. */
  deadlinePassed(): AgentOutcome {
    const name = this.request.agent.name;
    return this.end(
      exhausted('deadline', `The run's deadline passed while agent "${name}" waited for its model.`),
    );
  }

  private end(decision: Decision): AgentOutcome {
    return { decision, usage: this.usage, transcript: this.messages, endedAt: this.request.clock.now() };
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
