import { check, defineAgent } from 'baton-flow';
import {
  agentLogic,
  agentState,
  boundedTransition,
  finishTransition,
  handoffTransition,
  type PartsStateConfig,
  partsMachine,
  terminalStates,
} from 'baton-flow/parts';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { pingPongFlow } from '../helpers/flows.js';

const Draft = Type.Object({ text: Type.String() }, { additionalProperties: false });
const agent = (name: string) =>
  defineAgent({
    name,
    description: `Does the ${name} part.`,
    input: Draft,
    instructions: `Do ${name}.`,
    model: scripted([]),
  });
const writer = agent('writer');
const reviewer = agent('reviewer');
const handoffGuard = (to: typeof writer) => ({
  type: 'baton.handoff',
  params: { to: to.name, input: to.input },
});

/** writer → reviewer → (finish | back to writer) with the two transitions given. */
function loop(toReviewer: object, toWriter: object) {
  return partsMachine({
    id: 'review',
    initial: 'writer',
    actors: { writer: agentLogic(writer), reviewer: agentLogic(reviewer) },
    states: {
      writer: agentState({ agent: writer, on: [toReviewer] }),
      reviewer: agentState({ agent: reviewer, on: [finishTransition({ output: Draft }), toWriter] }),
      ...terminalStates(),
    },
  });
}

const cycles = (target: Parameters<typeof check>[0]) =>
  check(target).filter((d) => d.code === 'unbounded_cycle');

describe('the termination proof', () => {
  it('proves a cyclic custom machine terminates when one transition of the cycle is bounded', () => {
    const bounded = handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 3 } });
    expect(cycles(loop(handoffTransition({ to: reviewer }), bounded))).toEqual([]);
  });

  it('reports the unbounded cycle once the counter guard is removed from that transition', () => {
    const bounded = handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 3 } });
    const { guard: _removed, ...unguarded } = bounded;
    const [found, ...more] = cycles(loop(handoffTransition({ to: reviewer }), unguarded));
    expect(more).toEqual([]);
    expect(found).toMatchObject({ severity: 'error', flow: 'review', state: 'writer', agent: 'writer' });
    expect(found!.message).toContain('the cycle writer → reviewer → writer');
    expect(found!.message).toContain('reviewer → writer (handoff): it has no guard');
    expect(found!.fix).toContain('boundedTransition');
  });

  it('does not accept a counter guard whose transition never counts', () => {
    const bounded = boundedTransition({
      target: 'writer',
      counter: 'rounds',
      limit: 3,
      guard: handoffGuard(writer),
    });
    const uncounted = {
      ...bounded,
      actions: bounded.actions.filter((a) => typeof a === 'string' || a.type !== 'baton.count'),
    };
    const [found] = cycles(loop(handoffTransition({ to: reviewer }), uncounted));
    expect(found?.message).toContain('checks counter "rounds" but never counts it');
  });

  it('does not accept an infinite limit', () => {
    const infinite = handoffTransition({
      to: writer,
      bound: { counter: 'rounds', limit: Number.POSITIVE_INFINITY },
    });
    expect(cycles(loop(handoffTransition({ to: reviewer }), infinite))[0]?.message).toContain(
      'limit Infinity',
    );
  });

  it('does not accept a counter guard whose implementation was replaced with machine.provide', () => {
    const machine = loop(
      handoffTransition({ to: reviewer }),
      handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 3 } }),
    );
    const replaced = machine.provide({ guards: { 'baton.below': () => true } } as never);
    expect(cycles(machine)).toEqual([]);
    expect(cycles(replaced)[0]?.message).toContain('"baton.below" is not Baton\'s implementation');
  });

  it('reports a bound whose counter another transition of the cycle resets', () => {
    const resets = boundedTransition({
      target: 'reviewer',
      counter: 'drafts',
      limit: Number.POSITIVE_INFINITY,
      guard: handoffGuard(reviewer),
      reset: ['rounds'],
    });
    const [found] = cycles(
      loop(resets, handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 3 } })),
    );
    expect(found?.message).toContain(
      'its counter "rounds" is reset by writer → reviewer (handoff) within the cycle',
    );
  });

  it('accepts a counter reset by a transition that is itself bounded by a counter never reset', () => {
    const resets = boundedTransition({
      target: 'reviewer',
      counter: 'drafts',
      limit: 5,
      guard: handoffGuard(reviewer),
      reset: ['rounds'],
    });
    expect(
      cycles(loop(resets, handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 3 } }))),
    ).toEqual([]);
  });

  it('proves defineFlow cycles terminate by the handoff, visit and repair limits, and reports an infinite one', () => {
    expect(cycles(pingPongFlow())).toEqual([]);
    expect(cycles(pingPongFlow({ handoffs: Number.POSITIVE_INFINITY }))).toEqual([]);
    expect(cycles(pingPongFlow({ visits: Number.POSITIVE_INFINITY }))).toEqual([]);
    const handoffs = cycles(
      pingPongFlow({ handoffs: Number.POSITIVE_INFINITY, visits: Number.POSITIVE_INFINITY }),
    );
    expect(handoffs.map((d) => d.message)).toEqual([
      expect.stringContaining('limits.handoffs and limits.visits are both Infinity'),
    ]);
    expect(handoffs[0]!.fix).toBe('Set limits.handoffs or limits.visits to a finite number.');
    const repairs = cycles(pingPongFlow({ repairs: Number.POSITIVE_INFINITY }));
    expect(repairs.map((d) => [d.state, d.fix])).toEqual([
      ['a', 'Set limits.repairs to a finite number.'],
      ['b', 'Set limits.repairs to a finite number.'],
    ]);
  });

  it('follows completion transitions of compound states into cycles across the hierarchy', () => {
    const exits = { escalate: '#rounds.escalated', fail: '#rounds.failed' };
    const round = (onDone: object): PartsStateConfig => ({
      initial: 'writer',
      states: {
        writer: agentState({ agent: writer, on: [handoffTransition({ to: reviewer })], ...exits }),
        reviewer: agentState({
          agent: reviewer,
          on: [finishTransition({ output: Draft, target: '#rounds.done' }), { target: 'over' }],
          ...exits,
        }),
        over: { type: 'final' },
      },
      onDone,
    });
    const machine = (onDone: object) =>
      partsMachine({
        id: 'rounds',
        initial: 'round',
        actors: { writer: agentLogic(writer), reviewer: agentLogic(reviewer) },
        states: { round: round(onDone), ...terminalStates() },
      });
    const unbounded = cycles(machine({ target: 'round' }));
    expect(unbounded[0]?.message).toContain('round.over → round.writer');
    const bounded = boundedTransition({ target: 'round', counter: 'rounds', limit: 2, kind: 'repair' });
    expect(cycles(machine([bounded, { target: 'escalated' }]))).toEqual([]);
  });
});
