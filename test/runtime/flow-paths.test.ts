import { isBatonError, runFlow, sequentialIds } from 'baton-flow';
import { type FlowPath, flowPaths, manualClock, pathScript, scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { chainFlow, pingPongFlow } from '../helpers/flows.js';

const ticket = { id: 'T-1', customer: 'c@example.com', subject: 'Refund', body: 'INV-1' };

/** Valid payloads for every handoff of the support flow, and a result that names the ticket. */
const payloads = {
  payload: ({ to }: { from: string; to: string }) =>
    to === 'billing'
      ? { ticketId: 'T-1', customer: 'c', question: 'Refund?', invoiceId: null }
      : { ticketId: 'T-1', customer: 'c', problem: 'Crash', product: null },
  output: ({ agent }: { agent: string }) => ({ ticketId: 'T-1', team: agent, reply: 'Done.', actions: [] }),
};

const describePath = (path: FlowPath) =>
  `${path.steps.map((s) => `${s.agent ?? s.state}:${s.decision}`).join(' ')} ⇒ ${path.end}`;

describe('flowPaths', () => {
  it('lists every simple path of the support example from the start to each final state', () => {
    const paths = flowPaths(support);
    const byEnd = (end: string) => paths.filter((p) => p.end === end).map(describePath);
    expect(byEnd('done')).toEqual([
      'start:start triage:handoff billing:handoff tech:finish ⇒ done',
      'start:start triage:handoff billing:finish ⇒ done',
      'start:start triage:handoff tech:handoff billing:finish ⇒ done',
      'start:start triage:handoff tech:finish ⇒ done',
    ]);
    expect(paths.map((p) => p.end).filter((e, i, all) => all.indexOf(e) === i)).toEqual([
      'done',
      'escalated',
      'failed',
      'cancelled',
    ]);
    // Five agent visits on the simple paths; each can escalate (by its decision or at the deadline),
    // fail, error or be cancelled; plus invalid input.
    expect(paths.filter((p) => p.end === 'escalated')).toHaveLength(10);
    expect(paths.filter((p) => p.steps.at(-1)?.decision === 'deadline')).toHaveLength(5);
    expect(paths.filter((p) => p.end === 'failed')).toHaveLength(11);
    expect(paths.filter((p) => p.end === 'cancelled')).toHaveLength(5);
    expect(byEnd('failed')).toContain('start:fail ⇒ failed');
  });

  it('keeps only the final states asked for and refuses to enumerate past its limit', () => {
    expect(flowPaths(chainFlow(), { ends: ['done'] }).map(describePath)).toEqual([
      'start:start a:handoff b:handoff c:handoff d:handoff e:finish ⇒ done',
    ]);
    try {
      flowPaths(pingPongFlow(), { limit: 3 });
      expect.unreachable('flowPaths should throw past its limit');
    } catch (error) {
      expect(isBatonError(error) && error.code).toBe('invalid_argument');
    }
  });

  it('runs every path of the support example to its final state with a scripted model', async () => {
    const paths = flowPaths(support);
    expect(paths.length).toBe(30);
    for (const path of paths) {
      const model = scripted(pathScript(support, path, payloads));
      const controller = new AbortController();
      const clock = manualClock();
      const last = path.steps[path.steps.length - 1]!;
      const input = path.steps[0]!.decision === 'fail' ? { id: 'T-1' } : ticket;
      const result = await runFlow(support, input as typeof ticket, {
        models: model,
        clock,
        ids: sequentialIds(),
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type !== 'model.called' || event.agent !== last.agent) return;
          if (last.decision === 'cancel') controller.abort();
          if (last.decision === 'deadline') queueMicrotask(() => clock.advance(support.limits.ms));
        },
      });
      const status = { done: 'done', escalated: 'escalated', failed: 'failed', cancelled: 'cancelled' }[
        path.end
      ];
      expect(result.status, describePath(path)).toBe(status);
      expect(result.path, describePath(path)).toEqual(path.steps.map((s) => s.to));
      if (result.status !== 'done') {
        const code = {
          escalate: 'turn_limit',
          fail: last.agent ? 'tool_not_allowed' : 'invalid_input',
          error: 'provider_error',
          cancel: 'cancelled',
          deadline: 'deadline',
        };
        expect(result.reason.code, describePath(path)).toBe(code[last.decision as keyof typeof code]);
        expect(result.reason.agent, describePath(path)).toBe(last.agent);
      }
      model.assertComplete();
    }
  });
});
