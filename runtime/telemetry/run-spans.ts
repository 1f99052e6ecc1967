import type { Attributes, Context, HrTime, Span, Tracer } from '@opentelemetry/api';
import { describeThrown } from '../../contracts/errors.js';
import { REASONS } from '../../contracts/reasons.js';
import type { RunEvent } from '../run-events.js';
import { BATON, finishReason, GEN_AI, jsonMessages, providerAndModel, TOOL_ERROR } from './gen-ai.js';

/** What of `@opentelemetry/api` the spans use at run time: it is loaded only for a run with a tracer. */
export type OtelApi = Pick<
  typeof import('@opentelemetry/api'),
  'trace' | 'context' | 'SpanKind' | 'SpanStatusCode'
>;

/** What the spans need to know of an agent: the model id it calls in this run (none for a code step). */
export interface AgentInfo {
  readonly model: string | null;
  readonly description?: string | undefined;
}

/** How a run is traced. */
export interface RunSpansSettings {
  readonly api: OtelApi;
  readonly tracer: Tracer;
  readonly flow: string;
  /** Put content in the spans: the run's input and output, handoff payloads, feedback and reason messages. */
  readonly content: boolean;
  /** The agents of the flow, by name. */
  readonly agents: (name: string) => AgentInfo | undefined;
  /** The run clock's time the run span starts at. */
  readonly startedAt: number;
  /** The parent of the run span (default: the active context). */
  readonly parent?: Context | undefined;
}

/** The span of one attempt, and the spans in flight under it. */
interface Attempt {
  readonly agent: string;
  readonly span: Span;
  readonly context: Context;
  chat: Span | null;
  readonly tools: Map<string, Span>;
  inputTokens: number;
  outputTokens: number;
}

/** How a result ended, as far as the run span reads it. */
export interface SettledRun {
  readonly status: string;
  readonly output?: unknown;
}

/** The kinds of transition that end a run. */
const ENDINGS: ReadonlySet<string> = new Set(['finish', 'escalate', 'fail', 'cancel']);

/**
 * Turns a run's events into OpenTelemetry spans, as they happen: the run span `invoke_workflow {flow}`;
 * under it one `invoke_agent {agent}` span per attempt; under that a `chat {model}` span per model call
 * and an `execute_tool {tool}` span per tool call. Each transition is a span event `baton.<kind>` on the
 * attempt it ends (on the run span when no attempt was in flight): `baton.handoff`, `baton.repair` (a
 * rejected decision sent back), `baton.finish`, `baton.escalate`, `baton.fail`, `baton.cancel`. Spans
 * that end short of their goal have the error status and `error.type` set to the reason code. Times are
 * the run clock's.
 */
export class RunSpans {
  private readonly run: Span;
  private readonly runContext: Context;
  private readonly attempts = new Map<number, Attempt>();
  private first = true;
  private endedAt: number | null = null;
  private status: string | null = null;
  private closed = false;

  constructor(private readonly settings: RunSpansSettings) {
    const { api, tracer, flow, startedAt } = settings;
    const parent = settings.parent ?? api.context.active();
    this.run = tracer.startSpan(
      `invoke_workflow ${flow}`,
      {
        kind: api.SpanKind.INTERNAL,
        startTime: hrTime(startedAt),
        attributes: { [GEN_AI.operation]: 'invoke_workflow', [GEN_AI.workflow]: flow },
      },
      parent,
    );
    this.runContext = api.trace.setSpan(parent, this.run);
  }

  /** Whether the run span is recorded: without an SDK, or when sampled out, nothing else is traced. */
  get recording(): boolean {
    return this.run.isRecording();
  }

  /** Takes one event of the run, as it happens. */
  record(event: RunEvent): void {
    if (this.closed) return;
    if (this.first) {
      this.first = false;
      this.run.setAttribute(BATON.runId, event.runId);
      this.run.setAttribute(GEN_AI.conversation, event.runId);
      if (event.type !== 'run.started') this.run.setAttribute(BATON.resumed, true);
    }
    switch (event.type) {
      case 'run.started':
        if (this.settings.content)
          this.run.setAttribute(GEN_AI.inputMessages, jsonMessages('user', event.input));
        return;
      case 'agent.entered':
        this.enter(event.step, event.agent, event.at, event.runId, {
          [BATON.visit]: event.visit,
          [BATON.repair]: event.repair,
        });
        return;
      case 'model.called':
        this.called(event);
        return;
      case 'model.replied':
        this.replied(event);
        return;
      case 'tool.called':
        this.toolCalled(event);
        return;
      case 'tool.returned':
        this.toolReturned(event);
        return;
      case 'transition':
        this.transition(event);
        return;
      case 'run.ended':
        this.ended(event);
        return;
      default:
        return;
    }
  }

  /**
   * Ends the run span once the run has settled: with the output when content is recorded, at the time
   * of its `run.ended` event (or `at`, for a run that stopped without one).
   */
  settle(result: SettledRun, at: number): void {
    if (this.closed) return;
    if (this.status === null) this.run.setAttribute(BATON.status, result.status);
    if (this.settings.content && result.status === 'done' && 'output' in result)
      this.run.setAttribute(GEN_AI.outputMessages, jsonMessages('assistant', result.output));
    this.closeAll(this.endedAt ?? at, null);
    this.closed = true;
    this.run.end(hrTime(this.endedAt ?? at));
  }

  /** Ends every open span with the error status, for a run that rejected (`store_error`, a defect). */
  abandon(error: unknown, at: number): void {
    if (this.closed) return;
    const code = errorCode(error);
    this.closeAll(at, code);
    this.fail(this.run, code, describeThrown(error));
    this.closed = true;
    this.run.end(hrTime(this.endedAt ?? at));
  }

  private enter(step: number, agent: string, at: number, runId: string, extra: Attributes): Attempt {
    const { api, tracer } = this.settings;
    // A resumed run enters the attempt it stopped in again: what was left open of it ends here.
    const left = this.attempts.get(step);
    if (left) this.endAttempt(step, left, at, null);
    const info = this.settings.agents(agent);
    const attributes: Attributes = {
      [GEN_AI.operation]: 'invoke_agent',
      [GEN_AI.agent]: agent,
      [GEN_AI.conversation]: runId,
      [BATON.step]: step,
      ...extra,
    };
    if (info?.model) {
      const { provider, model } = providerAndModel(info.model);
      attributes[GEN_AI.provider] = provider;
      attributes[GEN_AI.requestModel] = model;
    } else if (info) {
      attributes[BATON.kind] = 'step';
    }
    if (info?.description) attributes[GEN_AI.agentDescription] = info.description;
    const span = tracer.startSpan(
      `invoke_agent ${agent}`,
      { kind: api.SpanKind.INTERNAL, startTime: hrTime(at), attributes },
      this.runContext,
    );
    const attempt: Attempt = {
      agent,
      span,
      context: api.trace.setSpan(this.runContext, span),
      chat: null,
      tools: new Map(),
      inputTokens: 0,
      outputTokens: 0,
    };
    this.attempts.set(step, attempt);
    return attempt;
  }

  /** The attempt an agent event belongs to; one is opened for an event whose `agent.entered` was not seen. */
  private attemptOf(event: { step: number; agent: string; at: number; runId: string }): Attempt {
    const open = this.attempts.get(event.step);
    if (open && open.agent === event.agent) return open;
    return this.enter(event.step, event.agent, event.at, event.runId, {});
  }

  private called(event: Extract<RunEvent, { type: 'model.called' }>): void {
    const { api, tracer } = this.settings;
    const attempt = this.attemptOf(event);
    attempt.chat?.end(hrTime(event.at));
    const id = this.settings.agents(event.agent)?.model ?? 'unknown';
    const { provider, model } = providerAndModel(id);
    attempt.chat = tracer.startSpan(
      `chat ${model}`,
      {
        kind: api.SpanKind.CLIENT,
        startTime: hrTime(event.at),
        attributes: {
          [GEN_AI.operation]: 'chat',
          [GEN_AI.provider]: provider,
          [GEN_AI.requestModel]: model,
          [GEN_AI.maxTokens]: event.maxOutputTokens,
          [GEN_AI.agent]: event.agent,
          [BATON.step]: event.step,
          [BATON.turn]: event.turn,
        },
      },
      attempt.context,
    );
  }

  private replied(event: Extract<RunEvent, { type: 'model.replied' }>): void {
    const attempt = this.attemptOf(event);
    const { usage } = event;
    attempt.inputTokens += usage.inputTokens;
    attempt.outputTokens += usage.outputTokens;
    const chat = attempt.chat;
    if (!chat) return;
    attempt.chat = null;
    chat.setAttributes({
      [GEN_AI.inputTokens]: usage.inputTokens,
      [GEN_AI.outputTokens]: usage.outputTokens,
      [GEN_AI.finishReasons]: [finishReason(event.stop)],
      [BATON.costUsd]: usage.costUsd,
      [BATON.toolCalls]: [...event.toolCalls],
    });
    chat.end(hrTime(event.at));
  }

  private toolCalled(event: Extract<RunEvent, { type: 'tool.called' }>): void {
    const { api, tracer } = this.settings;
    const attempt = this.attemptOf(event);
    attempt.tools.get(event.callId)?.end(hrTime(event.at));
    const span = tracer.startSpan(
      `execute_tool ${event.tool}`,
      {
        kind: api.SpanKind.INTERNAL,
        startTime: hrTime(event.at),
        attributes: {
          [GEN_AI.operation]: 'execute_tool',
          [GEN_AI.toolName]: event.tool,
          [GEN_AI.toolCallId]: event.callId,
          [GEN_AI.toolType]: 'function',
          [GEN_AI.agent]: event.agent,
          [BATON.step]: event.step,
        },
      },
      attempt.context,
    );
    attempt.tools.set(event.callId, span);
  }

  private toolReturned(event: Extract<RunEvent, { type: 'tool.returned' }>): void {
    const attempt = this.attempts.get(event.step);
    const span = attempt?.tools.get(event.callId);
    if (!attempt || !span) return;
    attempt.tools.delete(event.callId);
    if (!event.ok)
      this.fail(span, TOOL_ERROR, `Tool "${event.tool}" failed or was called with invalid arguments.`);
    span.end(hrTime(event.at));
  }

  private transition(event: Extract<RunEvent, { type: 'transition' }>): void {
    const { from, to, kind, code, step } = event;
    const attributes: Attributes = {
      [BATON.from]: from,
      [BATON.to]: to,
      [BATON.route]: `${from}->${to}`,
      [BATON.step]: step,
    };
    if (code) {
      attributes[BATON.code] = code;
      attributes[BATON.mast] = mastOf(code);
    }
    const extra = event as { readonly question?: unknown; readonly payload?: unknown };
    if (typeof extra.question === 'string') attributes[BATON.question] = extra.question;
    if (this.settings.content) {
      if (event.message !== undefined) attributes[BATON.message] = event.message;
      if (extra.payload !== undefined) attributes[BATON.payload] = JSON.stringify(extra.payload) ?? 'null';
    }
    const attempt = this.attempts.get(step);
    const own = attempt && attempt.agent === from ? attempt : undefined;
    (own?.span ?? this.run).addEvent(`baton.${kind}`, attributes, hrTime(event.at));
    if (ENDINGS.has(kind)) {
      this.run.setAttribute(BATON.reasonAgent, from);
      this.run.setAttribute(BATON.reasonStep, step);
    }
    // A repair or a handoff ends the attempt well; an ending with a reason code ends it short of its goal.
    if (own) this.endAttempt(step, own, event.at, code && kind !== 'repair' ? code : null, event.message);
  }

  private ended(event: Extract<RunEvent, { type: 'run.ended' }>): void {
    const { usage, status, code } = event;
    this.status = status;
    this.endedAt = event.at;
    this.run.setAttributes({
      [BATON.status]: status,
      [GEN_AI.inputTokens]: usage.inputTokens,
      [GEN_AI.outputTokens]: usage.outputTokens,
      [BATON.costUsd]: usage.costUsd,
      [BATON.turns]: usage.turns,
      [BATON.handoffs]: usage.handoffs,
    });
    if (code) {
      this.run.setAttribute(BATON.code, code);
      this.run.setAttribute(BATON.mast, mastOf(code));
      this.fail(this.run, code, `The run ended ${status}: ${code}.`);
    }
    this.closeAll(event.at, code ?? null);
  }

  private endAttempt(
    step: number,
    attempt: Attempt,
    at: number,
    code: string | null,
    message?: string,
  ): void {
    this.attempts.delete(step);
    const time = hrTime(at);
    // A model call or tool still in flight was cut short: by the deadline, a cancel, or a resume.
    const cut = code ?? 'aborted';
    if (attempt.chat) {
      this.fail(attempt.chat, cut, 'The model call did not answer before its attempt ended.');
      attempt.chat.end(time);
    }
    for (const tool of attempt.tools.values()) {
      this.fail(tool, cut, 'The tool did not return before its attempt ended.');
      tool.end(time);
    }
    attempt.span.setAttributes({
      [GEN_AI.inputTokens]: attempt.inputTokens,
      [GEN_AI.outputTokens]: attempt.outputTokens,
    });
    if (code)
      this.fail(
        attempt.span,
        code,
        this.settings.content && message ? message : `The attempt ended: ${code}.`,
      );
    attempt.span.end(time);
  }

  private closeAll(at: number, code: string | null): void {
    for (const [step, attempt] of [...this.attempts]) this.endAttempt(step, attempt, at, code);
  }

  /** Sets the error status and `error.type`, as the conventions record errors. */
  private fail(span: Span, code: string, message: string): void {
    span.setAttribute(GEN_AI.errorType, code);
    span.setStatus({ code: this.settings.api.SpanStatusCode.ERROR, message });
  }
}

/** The MAST failure modes of a reason code, or none for a code outside the table. */
function mastOf(code: string): string[] {
  return Object.hasOwn(REASONS, code) ? [...REASONS[code as keyof typeof REASONS].mast] : [];
}

/** The error code of a rejection: a Baton error's own, else `_OTHER` as the conventions name it. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : '_OTHER';
}

/** A clock time in milliseconds as an OpenTelemetry high-resolution time, so it is never read as a relative one. */
function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
