// The names the spans use: OpenTelemetry's GenAI semantic conventions (development status) for what they
// define, `baton.*` for what only a Baton run has.

/** Attribute keys of the GenAI semantic conventions that the spans set. */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  agent: 'gen_ai.agent.name',
  agentDescription: 'gen_ai.agent.description',
  workflow: 'gen_ai.workflow.name',
  conversation: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  maxTokens: 'gen_ai.request.max_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
} as const;

/** Attribute keys of what the conventions have no name for. */
export const BATON = {
  runId: 'baton.run.id',
  status: 'baton.run.status',
  resumed: 'baton.run.resumed',
  step: 'baton.step',
  visit: 'baton.visit',
  repair: 'baton.repair',
  kind: 'baton.agent.kind',
  turn: 'baton.turn',
  toolCalls: 'baton.tool_calls',
  costUsd: 'baton.usage.cost_usd',
  turns: 'baton.usage.turns',
  handoffs: 'baton.usage.handoffs',
  from: 'baton.transition.from',
  to: 'baton.transition.to',
  route: 'baton.route',
  code: 'baton.reason.code',
  mast: 'baton.reason.mast',
  reasonAgent: 'baton.reason.agent',
  reasonStep: 'baton.reason.step',
  question: 'baton.question',
  message: 'baton.message',
  payload: 'baton.payload',
} as const;

/** `error.type` of a tool call whose arguments were refused or whose tool threw. */
export const TOOL_ERROR = 'tool_error';

/**
 * The provider and model name of a `Model.id`: `openai:gpt-5-mini` is provider `openai`, model
 * `gpt-5-mini`; an id without a colon (`scripted`) names both.
 */
export function providerAndModel(id: string): { readonly provider: string; readonly model: string } {
  const colon = id.indexOf(':');
  if (colon <= 0 || colon === id.length - 1) return { provider: id, model: id };
  return { provider: id.slice(0, colon), model: id.slice(colon + 1) };
}

/** `gen_ai.response.finish_reasons` for a reply's stop reason, in the words the conventions use. */
export function finishReason(stop: string): string {
  switch (stop) {
    case 'end':
      return 'stop';
    case 'refusal':
      return 'content_filter';
    default:
      return stop;
  }
}

/** A JSON value as the text part of one message, the form `gen_ai.input.messages` and `output.messages` take. */
export function jsonMessages(role: 'user' | 'assistant', value: unknown): string {
  const content = JSON.stringify(value) ?? 'null';
  return JSON.stringify([
    role === 'assistant'
      ? { role, parts: [{ type: 'text', content }], finish_reason: 'stop' }
      : { role, parts: [{ type: 'text', content }] },
  ]);
}
