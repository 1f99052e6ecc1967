import { assertValid, check, checkReport, defineFlow, formatDiagnostics } from 'baton-flow';
import { type BatonMatchers, batonMatchers, expectValidFlow } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { chainAgent, chainFlow, pingPongFlow, Report, Work } from '../helpers/flows.js';
import { thrown } from '../helpers/thrown.js';

declare module 'vitest' {
  interface Assertion<T> extends BatonMatchers<void> {}
}
expect.extend(batonMatchers);

/** n agents, each routing to every other, all may finish. */
function dense(n: number) {
  const names = Array.from({ length: n }, (_, i) => `agent${i}`);
  return defineFlow({
    id: 'dense',
    input: Work,
    output: Report,
    start: names[0]!,
    agents: names.map((name) => chainAgent(name)),
    routes: Object.fromEntries(names.map((name) => [name, names.filter((other) => other !== name)])),
    finish: names,
  } as never);
}

describe('check', () => {
  it('gives the same diagnostics for a flow and for its XState machine', () => {
    const broken = pingPongFlow({ handoffs: Number.POSITIVE_INFINITY, visits: Number.POSITIVE_INFINITY });
    expect(check(broken).length).toBeGreaterThan(0);
    expect(check(broken.machine)).toEqual(check(broken));
  });

  it('reports the paths of the support example and its worst case under the limits', () => {
    const { bounds } = checkReport(support);
    expect(bounds.shortest).toEqual({
      handoffs: 1,
      modelCalls: 5,
      states: ['start', 'triage', 'billing', 'done'],
    });
    expect(bounds.longest).toEqual({
      handoffs: 2,
      modelCalls: 9,
      states: ['start', 'triage', 'billing', 'tech', 'done'],
      exact: true,
    });
    // triage once, billing ⇄ tech twice each: 4 handoffs; model calls capped by limits.turns (32).
    expect(bounds.worstCase).toEqual({ handoffs: 4, modelCalls: 32 });
    expect(bounds.budget).toEqual({ handoffs: 4, visits: 2, repairs: 2, turns: 32 });
  });

  it('bounds the worst case by visits when the handoff limit is higher', () => {
    const { bounds } = checkReport(pingPongFlow({ handoffs: 100, visits: 3, turns: 1000 }));
    // a starts (2 more entries), b is entered 3 times; 6 visits × 3 tries × 4 turns.
    expect(bounds.worstCase).toEqual({ handoffs: 5, modelCalls: 72 });
  });

  it('settles for the longest path found when the search limit runs out', () => {
    const { bounds } = checkReport(dense(12), { searchLimit: 200 });
    expect(bounds.longest?.exact).toBe(false);
    expect(bounds.longest!.handoffs).toBeGreaterThan(4);
    expect(checkReport(chainFlow()).bounds.longest?.exact).toBe(true);
  });

  it('applies rules to change a severity or turn a code off', () => {
    const flow = chainFlow({ handoffs: 2 });
    expect(check(flow).map((d) => [d.code, d.severity])).toEqual([['done_out_of_budget', 'error']]);
    expect(check(flow, { rules: { done_out_of_budget: 'warning' } })[0]?.severity).toBe('warning');
    expect(check(flow, { rules: { done_out_of_budget: 'off' } })).toEqual([]);
    expect(check(chainFlow(), { maxChain: 3 }).map((d) => d.code)).toEqual(['chain_too_long']);
  });

  it('lists errors before warnings', () => {
    const flow = defineFlow({
      id: 'mixed',
      input: Work,
      output: Report,
      start: 'a',
      agents: [chainAgent('a'), chainAgent('b')],
      routes: { a: ['a', 'b'], b: ['a'] },
      finish: ['a'],
      limits: { handoffs: Number.POSITIVE_INFINITY, visits: Number.POSITIVE_INFINITY },
    });
    expect(check(flow).map((d) => d.severity)).toEqual(['error', 'warning']);
  });

  it('throws invalid_argument for something that is neither a flow nor a machine', () => {
    expect(thrown(() => check({} as never)).code).toBe('invalid_argument');
  });

  it('marks the transitions of a defineFlow machine with what they do and what bounds them', () => {
    const a = pingPongFlow().machine.root.states.a!;
    const metaOf = (t: unknown) => (t as { meta?: { baton?: unknown } }).meta?.baton;
    // The attempt's end is assessed once (a targetless onDone); its error fails the run.
    expect([...a.transitions.values()].flat().map(metaOf)).toEqual([{ kind: 'assess' }, { kind: 'error' }]);
    // The routing of the stored verdict, in order, with a fallback for any assessed verdict last.
    const kinds = (a.always ?? []).map(metaOf);
    expect(kinds).toEqual([
      { kind: 'escalate' },
      {
        kind: 'handoff',
        to: 'b',
        bounds: [
          { counter: 'handoffs', limit: 4 },
          { counter: 'visits.b', limit: 2 },
        ],
      },
      { kind: 'finish' },
      { kind: 'repair', bounds: [{ counter: 'repairs', limit: 2 }] },
      { kind: 'fail' },
    ]);
  });
});

describe('assertValid', () => {
  it('returns the warnings of a flow without errors', () => {
    expect(assertValid(support)).toEqual([]);
    expect(assertValid(chainFlow(), { maxChain: 3 }).map((d) => d.code)).toEqual(['chain_too_long']);
  });

  it('throws flow_check_failed listing the errors, with every diagnostic in details', () => {
    const flow = pingPongFlow({ repairs: Number.POSITIVE_INFINITY });
    const error = thrown(() => assertValid(flow));
    expect(error.code).toBe('flow_check_failed');
    expect(error.message).toContain('Flow "pingpong" fails its check with 2 errors:');
    expect(error.message).toContain(formatDiagnostics(check(flow)));
    expect(error.details).toEqual({ flow: 'pingpong', diagnostics: check(flow) });
  });
});

describe('expectValidFlow and batonMatchers', () => {
  it('passes a valid flow and throws flow_check_failed with the diagnostics for an invalid one', () => {
    expect(() => expectValidFlow(support)).not.toThrow();
    const error = thrown(() => expectValidFlow(chainFlow({ handoffs: 2 })));
    expect(error.code).toBe('flow_check_failed');
    expect(error.message).toContain('Expected flow "chain" to pass its check, but it reports 1 problem:');
    expect(error.message).toContain('error done_out_of_budget (flow chain · state a)');
  });

  it('fails on warnings only when asked to', () => {
    expect(() => expectValidFlow(chainFlow(), { maxChain: 3 })).not.toThrow();
    expect(
      thrown(() => expectValidFlow(chainFlow(), { maxChain: 3, failOnWarnings: true })).message,
    ).toContain('warning chain_too_long');
  });

  it('registers toBeValidFlow with expect.extend', () => {
    expect(support).toBeValidFlow();
    expect(pingPongFlow({ repairs: Number.POSITIVE_INFINITY })).not.toBeValidFlow();
    const result = batonMatchers.toBeValidFlow(pingPongFlow({ repairs: Number.POSITIVE_INFINITY }));
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('unbounded_cycle');
  });
});
