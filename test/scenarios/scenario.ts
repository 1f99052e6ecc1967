// Shared helpers of the MAST scenario suite: exact usage on each scripted step, model calls per agent,
// and one assertion of a run's ending.
import { REASONS, type ReasonCode, type RunResult } from 'baton-flow';
import type { ScriptedModel } from 'baton-flow/testing';
import { expect } from 'vitest';

/**
 * The usage a scripted step reports, given explicitly so a run's token total is known exactly and is not
 * Baton's own estimate of the request (odd, unround counts that no estimate would produce).
 */
export const spend = (inputTokens: number, outputTokens: number) => ({
  usage: { inputTokens, outputTokens },
});

/** How many model calls each agent made, from what the scripted model was asked. */
export function callsByAgent(model: ScriptedModel): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const request of model.requests) calls[request.agent] = (calls[request.agent] ?? 0) + 1;
  return calls;
}

/** The run's total tokens: input plus output, as the model reported them. */
export const totalTokens = (result: RunResult) => result.usage.inputTokens + result.usage.outputTokens;

/** Asserts a run's status, reason code and the code's MAST tags (which must include `mode`). */
export function expectEnding(
  result: RunResult,
  status: 'escalated' | 'failed',
  code: ReasonCode,
  mode: string,
): void {
  expect(result.status).toBe(status);
  if (result.status !== status) return;
  expect(result.reason.code).toBe(code);
  expect(result.reason.mast).toEqual(REASONS[code].mast);
  expect(result.reason.mast).toContain(mode);
}
