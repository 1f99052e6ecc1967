import { shapeProblem } from '../contracts/depth.js';
import { fingerprint } from '../contracts/fingerprint.js';
import type { Decision, Feedback } from './decision.js';
import type { Message, ModelReply, ToolCall, ToolSpec } from './model.js';

/**
 * The tool calls as the visit's messages keep them. Arguments nested too deep to serialise (a hostile
 * model can send 10,000 levels) are replaced by a note, so the next request can still be measured and
 * sent; the decision itself still carries them, and the flow's contract check rejects them. The list is
 * copied only when a call is replaced.
 */
export function storable(calls: readonly ToolCall[]): readonly ToolCall[] {
  let kept: ToolCall[] | null = null;
  for (let i = 0; i < calls.length; i += 1) {
    const call = calls[i]!;
    const problem = shapeProblem(call.arguments);
    if (!problem) continue;
    kept ??= calls.slice();
    kept[i] = { id: call.id, name: call.name, arguments: `[arguments removed: ${problem}]`, malformed: true };
  }
  return kept ?? calls;
}

/** What a repair or a failed round tells the model: the answer to the call it was about, or a user message. */
export function feedbackMessage(feedback: Feedback): Message {
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

/**
 * Whether the call `callId` already has its answer after the visit's last reply. Only the answers after
 * the reply's own message count: a model that numbers its calls afresh each turn (`call_0` again) gets
 * its new call run, not skipped as answered.
 */
export function answeredSinceLastReply(messages: readonly Message[], callId: string): boolean {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i]!;
    if (message.role === 'assistant') return false;
    if (message.role === 'tool' && message.callId === callId) return true;
  }
  return false;
}

/**
 * The earlier calls of the visit that `call` repeats (the same tool, the same arguments in any key order,
 * answered without error): how many there were, and the first one's result; null when there is none.
 */
export function earlierAnswers(
  messages: readonly Message[],
  tool: string,
  call: ToolCall,
): { readonly times: number; readonly result: string } | null {
  const print = fingerprint(call.arguments, tool);
  let result: string | null = null;
  let times = 0;
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const made of message.toolCalls) {
      if (made.id === call.id || made.name !== tool || made.malformed) continue;
      if (fingerprint(made.arguments, tool) !== print) continue;
      const answer = messages.find((m) => m.role === 'tool' && m.callId === made.id);
      if (answer?.role !== 'tool' || answer.isError) continue;
      times += 1;
      result ??= answer.content;
    }
  }
  return result === null ? null : { times, result };
}

/** The decision a well-formed call of a decision tool (handoff, finish, ask) makes. */
export function decisionOf(call: ToolCall, spec: ToolSpec): Decision {
  if (spec.kind === 'finish') return { kind: 'finish', output: call.arguments, callId: call.id };
  if (spec.kind === 'ask') {
    const question = (call.arguments as { question?: unknown } | null)?.question;
    return {
      kind: 'ask',
      question:
        typeof question === 'string'
          ? question
          : shapeProblem(call.arguments)
            ? '(the question could not be read)'
            : JSON.stringify(call.arguments),
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

/** A decision that ends an attempt because a budget of the visit ran out. */
export function exhausted(code: Extract<Decision, { kind: 'exhausted' }>['code'], message: string): Decision {
  return { kind: 'exhausted', code, message };
}

/** What the model is told when its reply called no tool at all: why, and which tools decide. */
export function undecidedMessage(stop: ModelReply['stop'], decisions: string): Message {
  const why =
    stop === 'length'
      ? 'Your reply was cut off by the output-token cap.'
      : stop === 'refusal'
        ? 'You declined to answer.'
        : 'You replied without calling a tool.';
  return { role: 'user', content: `${why} Decide by calling exactly one of: ${decisions}.` };
}

/**
 * The visit's last reply, read back from its messages, for an attempt that goes on with it (its
 * remaining calls and decision still to be taken); null when the last message is not a reply.
 */
export function lastReplyOf(messages: readonly Message[]): ModelReply | null {
  const last = messages[messages.length - 1];
  if (last?.role !== 'assistant') return null;
  return {
    text: last.text,
    toolCalls: last.toolCalls,
    stop: 'tool_calls',
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

/**
 * A copy of the visit's messages for a request, each message frozen (an assistant message with its list
 * of calls and each call): what a model does to the messages it is sent cannot change the visit's own,
 * which its next turns, a repair and a stored run's snapshot keep. A message is frozen once.
 */
export function frozenMessages(messages: readonly Message[]): readonly Message[] {
  for (const message of messages) {
    if (Object.isFrozen(message)) continue;
    if (message.role === 'assistant') {
      for (const call of message.toolCalls) Object.freeze(call);
      Object.freeze(message.toolCalls);
    }
    Object.freeze(message);
  }
  return messages.slice();
}
