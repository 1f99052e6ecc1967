import type { AttemptAbort } from './attempt-abort.js';
import type { Message, ModelRequest, ToolSpec } from './model.js';

/** What a turn's request holds besides its signal; `facts` is undefined for an agent that reads none. */
export type TurnFields = Omit<ModelRequest, 'signal' | 'facts'> & {
  readonly facts: ModelRequest['facts'] | undefined;
};

/** The one getter of every request's `signal`: the attempt's AbortSignal, made when first read. */
const SIGNAL: PropertyDescriptor = {
  get(this: TurnRequest) {
    return TurnRequest.signalOf(this);
  },
  enumerable: true,
};

/**
 * The request of one model turn. Its `signal` is an own, enumerable property (a wrapper that spreads the
 * request passes it on) whose AbortSignal is made only when the model reads it (see `AttemptAbort`). A
 * class rather than `withSignal` on an object literal: a model turn is the hottest place a signal is handed
 * out, and this shape takes about 0.1 µs where two `defineProperty` calls on a literal take 0.2–0.7 µs.
 */
export class TurnRequest implements ModelRequest {
  readonly agent: string;
  readonly instructions: string;
  readonly input: unknown;
  declare readonly facts?: Readonly<Record<string, unknown>>;
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  readonly toolChoice: 'required' | 'auto';
  readonly maxOutputTokens: number;
  readonly idempotencyKey: string;
  declare readonly signal: AbortSignal;
  readonly #abort: AttemptAbort;

  constructor(fields: TurnFields, abort: AttemptAbort) {
    this.agent = fields.agent;
    this.instructions = fields.instructions;
    this.input = fields.input;
    // Absent, not undefined, for an agent that reads no facts.
    if (fields.facts !== undefined) (this as { facts?: ModelRequest['facts'] }).facts = fields.facts;
    this.messages = fields.messages;
    this.tools = fields.tools;
    this.toolChoice = fields.toolChoice;
    this.maxOutputTokens = fields.maxOutputTokens;
    this.idempotencyKey = fields.idempotencyKey;
    this.#abort = abort;
    Object.defineProperty(this, 'signal', SIGNAL);
  }

  /** The signal of `request`, made on the first read. */
  static signalOf(request: TurnRequest): AbortSignal {
    return request.#abort.signal;
  }
}
