import { shapeProblem } from '../contracts/depth.js';
import type { BatonError } from '../contracts/errors.js';
import { type AttemptAbort, withSignal } from './attempt-abort.js';
import type { AttemptRequest } from './attempt-request.js';
import {
  type AgentOutcome,
  addUsage,
  type Calibration,
  type Decision,
  NO_USAGE,
  type VisitUsage,
} from './decision.js';
import type { AnyTool } from './define-tool.js';
import { type FactWrites, factsFor } from './facts.js';
import { costOf, type Message, type ModelReply, type ModelRequest, type ToolCall } from './model.js';
import { checkReply } from './model-reply.js';
import { type ToolFacts, toolResult } from './run-tool.js';
import { estimateInputTokens } from './tokens.js';
import { isDecision } from './toolbox.js';
import {
  answeredSinceLastReply,
  decisionOf,
  earlierAnswers,
  exhausted,
  feedbackMessage,
  frozenMessages,
  lastReplyOf,
  storable,
  undecidedMessage,
} from './visit-messages.js';

const NO_MESSAGES: readonly Message[] = Object.freeze([]);

/**
 * What one attempt has done so far: its messages and usage, and the caps its budgets set. The turn loop
 * in `runAttempt` awaits the model and the tools; every decision between two awaits is made here, so the
 * loop's suspended frame stays small while a run waits for its model.
 *
 * An agent's own budget (`turns`, `tokens`) covers a whole visit: the attempts of a visit share it, so
 * repairs cannot multiply it.
 */
export class AttemptState {
  /** The agent's own messages of this visit; a repair continues them. */
  readonly messages: Message[];
  private usage: VisitUsage = NO_USAGE;
  /** The model turn being reserved, sent and taken: 1 for the first call of the attempt. */
  private turn = 0;
  private readonly turnCap: number;
  private readonly tokenCap: number;
  /** The turns the visit's earlier attempts made. */
  private readonly turnsBefore: number;
  /** Baton's estimate of the reserved call's input, when a budget needed it. */
  private estimate: number | null = null;
  private calibration: Calibration | null;
  /** The run's facts with this attempt's writes applied, and the writes alone. */
  private facts: Record<string, unknown> | null;
  private written: Record<string, unknown> | null = null;

  constructor(private readonly request: AttemptRequest) {
    const { agent, remaining, retry } = request;
    const spent = request.spent ?? NO_USAGE;
    this.messages = retry ? retry.transcript.slice() : [];
    if (retry?.feedback) this.messages.push(feedbackMessage(retry.feedback));
    this.turnsBefore = spent.turns;
    this.turnCap = Math.min(agent.budget.turns - spent.turns, remaining.turns);
    this.tokenCap = Math.min(agent.budget.tokens - spent.inputTokens - spent.outputTokens, remaining.tokens);
    this.calibration = request.calibration ?? null;
    this.facts = request.facts ? { ...request.facts.values } : null;
  }

  /** What a tool call sees of the facts, with a fresh place for its writes. */
  toolFacts(): ToolFacts | undefined {
    const { facts } = this.request;
    if (!facts || this.facts === null) return undefined;
    return { values: this.facts, check: facts.check, written: {} };
  }

  /** Applies what a tool call wrote: later calls and turns of the attempt see it, and the flow keeps it. */
  wrote(writes: FactWrites): void {
    const names = Object.keys(writes);
    if (names.length === 0 || this.facts === null) return;
    this.written ??= {};
    for (const name of names) {
      this.facts[name] = writes[name];
      this.written[name] = writes[name];
    }
  }

  /**
   * Reserves the next turn: the output-token cap its call may use (what the budgets have left beyond the
   * input, as estimated and as the provider last counted it), or the outcome that ends the attempt
   * because a budget cannot pay for the call.
   */
  reserve(): number | AgentOutcome {
    const { agent, remaining, clock } = this.request;
    this.turn += 1;
    const turn = this.turn;
    if (turn > this.turnCap) {
      const which =
        agent.budget.turns - this.turnsBefore <= remaining.turns
          ? `agent "${agent.name}" allows ${agent.budget.turns} per visit, repairs included`
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
    const measured = Number.isFinite(tokensLeft) || (price !== undefined && Number.isFinite(usdLeft));
    this.estimate = measured ? this.measure() : null;
    const input = this.estimate === null ? 0 : this.expectedInput(this.estimate);
    let cap = Math.min(agent.budget.maxOutputTokens, tokensLeft - input);
    // Written as "not at least": a cap that is not a number (counts that overflowed) is no cap to call with.
    const least = leastCap(this.request.model.minOutputTokens);
    if (!(cap >= least)) {
      return this.end(
        exhausted(
          'token_budget',
          `Agent "${agent.name}" has ${Math.max(0, tokensLeft)} tokens left, not enough for a call of about ${input} input tokens.`,
        ),
      );
    }
    if (price) {
      // The input is priced as fresh (uncached) tokens: the dearest it can be.
      const left = usdLeft - (input * price.input) / 1e6;
      // A free output (price 0) is capped by nothing here, but the input must still be affordable.
      const affordable = price.output > 0 ? Math.floor((left * 1e6) / price.output) : left >= 0 ? cap : 0;
      cap = Math.min(cap, affordable);
      if (!(cap >= least)) {
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

  /** The idempotency key of the reserved turn: `<run>:<step>:<turn>`, the same when a resumed run re-runs it. */
  turnKey(): string {
    return `${this.request.key}:${this.turn}`;
  }

  /**
   * The request of the reserved turn, capped at `cap` output tokens. The model gets a copy of the list of
   * messages, each message frozen: a model that trims old tool results in place would change the visit.
   */
  call(cap: number, abort: AttemptAbort): ModelRequest {
    const { agent, input, tools } = this.request;
    const request = {
      agent: agent.name,
      instructions: agent.instructions,
      input,
      ...(agent.facts.length > 0 ? { facts: factsFor(agent.facts, this.facts) ?? {} } : {}),
      messages: this.messages.length === 0 ? NO_MESSAGES : frozenMessages(this.messages),
      tools: tools.specs,
      toolChoice: 'required' as const,
      maxOutputTokens: cap,
      idempotencyKey: this.turnKey(),
    };
    // The signal is made when the model first reads it (see AttemptAbort).
    return withSignal(request, abort);
  }

  /**
   * Takes the model's answer to the reserved turn: checks that it is a reply (a malformed one, or usage
   * counts that are not counts, throw `provider_error`), meters it and keeps it in the messages.
   */
  take(answer: unknown): ModelReply {
    const { agent, model, events } = this.request;
    const reply = checkReply(answer, model.id, () => this.estimate ?? this.measure());
    const cost = costOf(reply.usage, model.price);
    this.usage = addUsage(this.usage, reply.usage, cost);
    if (this.estimate !== null && !reply.usage.estimated) {
      this.calibration = { estimated: this.estimate, reported: reply.usage.inputTokens };
    }
    events?.record({
      type: 'model.replied',
      agent: agent.name,
      turn: this.turn,
      stop: reply.stop,
      toolCalls: reply.toolCalls.map((c) => c.name),
      usage: { inputTokens: reply.usage.inputTokens, outputTokens: reply.usage.outputTokens, costUsd: cost },
      step: this.request.step,
    });
    this.messages.push({ role: 'assistant', text: reply.text, toolCalls: storable(reply.toolCalls) });
    return reply;
  }

  /**
   * Ends the attempt when a reply calls a tool the agent does not own (the flow's repair answers that
   * call; the others are answered here, so every call gets exactly one result, as providers require).
   */
  refuseUnknown(reply: ModelReply): AgentOutcome | null {
    const { agent, tools } = this.request;
    const unknown = reply.toolCalls.find((c) => !tools.byName.has(c.name));
    if (!unknown) return null;
    for (const c of reply.toolCalls) {
      if (c !== unknown) {
        this.messages.push(toolResult(c, 'Not run: the reply called a tool the agent does not own.', true));
      }
    }
    return this.end({
      kind: 'rejected',
      code: 'tool_not_allowed',
      tool: unknown.name,
      message: `Agent "${agent.name}" called "${unknown.name}", which it does not own. Its tools are: ${[...tools.byName.keys()].join(', ')}.`,
      callId: unknown.id,
    });
  }

  /**
   * The reply an attempt goes on with before it calls the model: after a person decided on the calls that
   * needed approval, the visit's last reply, whose remaining calls and decision are still to be taken.
   */
  unfinished(): ModelReply | null {
    const { retry } = this.request;
    if (!retry?.approvals) return null;
    return lastReplyOf(this.messages);
  }

  /**
   * The answer to a call that repeats an earlier one of the visit (the same tool, the same arguments,
   * answered without error): the earlier result, not run again; or, past the agent's `budget.repeats`, the
   * outcome that ends the attempt as `loop_detected`. Null for a call to run.
   */
  repeated(tool: AnyTool, call: ToolCall): Message | AgentOutcome | null {
    if (tool.repeatable || call.malformed) return null;
    const earlier = earlierAnswers(this.messages, tool.name, call);
    if (earlier === null) return null;
    const { times } = earlier;
    const { agent } = this.request;
    if (times > agent.budget.repeats) {
      return this.end({
        kind: 'exhausted',
        code: 'loop_detected',
        message: `Agent "${agent.name}" called "${tool.name}" with the same arguments ${times + 1} times in one visit; its budget.repeats allows ${agent.budget.repeats} repeats.`,
      });
    }
    return toolResult(call, `You made this same call before; its result was: ${earlier.result}`, false);
  }

  /**
   * The outcome that ends the attempt when the run's deadline has passed: no tool starts after it, even
   * when the tools before it ran without giving the deadline's timer a turn.
   */
  pastDeadline(): AgentOutcome | null {
    const { remaining, clock, agent } = this.request;
    if (remaining.deadline === null || clock.now() < remaining.deadline) return null;
    return this.end(
      exhausted(
        'deadline',
        `The run's deadline passed before agent "${agent.name}" could run its next tool.`,
      ),
    );
  }

  /** Whether a call of the reply being handled already has its answer (one given before a wait for approval). */
  answered(call: ToolCall): boolean {
    return answeredSinceLastReply(this.messages, call.id);
  }

  /**
   * Whether a call of an own tool may run: 'run' when it needs no approval (or its arguments are invalid,
   * so it will not run anyway), the person's rejection as the call's answer, or the outcome that ends the
   * attempt to ask for approval.
   */
  approve(tool: AnyTool, call: ToolCall): 'run' | Message | AgentOutcome {
    // Arguments it cannot check (not JSON, nested too deep) will not run: runTool refuses them.
    if (call.malformed || shapeProblem(call.arguments)) return 'run';
    const checked = tool.validator.validate(call.arguments);
    if (!checked.ok || !tool.needsApproval(checked.value)) return 'run';
    const approval = this.request.retry?.approvals?.[call.id];
    if (!approval) {
      return this.end({ kind: 'approval', tool: tool.name, arguments: call.arguments, callId: call.id });
    }
    if (approval.approved) return 'run';
    const why = approval.reason ? `: ${approval.reason}` : '.';
    return toolResult(call, `Not run: a person rejected this call${why}`, true);
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
      if (!decision.malformed) return this.end(decisionOf(decision, byName.get(decision.name)!));
      const cut = reply.stop === 'length' ? ' The reply was cut off by the output-token cap: say less.' : '';
      this.messages.push(
        toolResult(decision, `Rejected: the arguments are not valid JSON.${cut} Call the tool again.`, true),
      );
      return null;
    }
    if (decisions.length > 1) {
      for (const c of decisions) {
        this.messages.push(
          toolResult(c, 'Rejected: call exactly one of the handoff, finish or ask tools per reply.', true),
        );
      }
      return null;
    }
    if (reply.toolCalls.length === 0)
      this.messages.push(undecidedMessage(reply.stop, this.request.tools.decisions));
    return null;
  }

  /** Baton's estimate of the next request's input tokens. */
  private measure(): number {
    const { agent, input, tools } = this.request;
    const facts = agent.facts.length > 0 ? factsFor(agent.facts, this.facts) : undefined;
    return estimateInputTokens({
      instructions: agent.instructions,
      input,
      messages: this.messages,
      tools: tools.specs,
      ...(facts ? { facts } : {}),
    });
  }

  /**
   * The input a call is reserved for: Baton's estimate, or, once the provider has counted a call of this
   * visit, what it counted plus what the request grew by since, whichever is more.
   */
  private expectedInput(estimate: number): number {
    const calibration = this.calibration;
    if (!calibration) return estimate;
    return Math.max(estimate, calibration.reported + Math.max(0, estimate - calibration.estimated));
  }

  /**
   * Charges the reserved turn whose answer could not be read (its usage with it): the input as expected
   * and the whole output cap, the most the reservation let the call cost. The counts are marked estimated.
   */
  chargeUnread(cap: number): void {
    const input = this.expectedInput(this.estimate ?? this.measure());
    const usage = { inputTokens: input, outputTokens: cap, estimated: true as const };
    const cost = costOf(usage, this.request.model.price);
    this.usage = addUsage(this.usage, usage, cost);
  }

  /**
   * Ends the attempt on a provider failure, keeping what its earlier turns used, so a run that fails on
   * its provider still reports every call it paid for. The details keep the provider's own (status,
   * request id) and the error's code.
   */
  failed(error: BatonError): AgentOutcome {
    return this.end({
      kind: 'failed',
      code: 'provider_error',
      message: `Agent "${this.request.agent.name}" failed: ${error.message}`,
      details: { ...error.details, error: error.code, retryable: error.retryable },
    });
  }

  private end(decision: Decision): AgentOutcome {
    return {
      decision,
      usage: this.usage,
      transcript: this.messages,
      endedAt: this.request.clock.now(),
      calibration: this.calibration,
      ...(this.written ? { facts: this.written } : {}),
    };
  }
}

/** The smallest cap a model takes: its `minOutputTokens` when that is a number of at least 1, else 1. */
function leastCap(declared: number | undefined): number {
  return typeof declared === 'number' && Number.isFinite(declared) && declared > 1 ? Math.ceil(declared) : 1;
}
