import { readFileSync } from 'node:fs';
import {
  type AnyAgent,
  type Checkable,
  type CheckOptions,
  check,
  DIAGNOSTIC_CODES,
  type DiagnosticCode,
  defineAgent,
  defineFlow,
  defineStep,
  defineTool,
  type Model,
} from 'baton-flow';
import {
  agentLogic,
  agentMeta,
  agentState,
  finishTransition,
  handoffTransition,
  type PartsStateConfig,
  partsMachine,
  terminalStates,
} from 'baton-flow/parts';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { chainAgent, chainFlow, pingPongFlow, Report, Work } from '../helpers/flows.js';

// One flow that trips each diagnostic code and the same flow with that one problem fixed. The table is a
// Record over every code, so the compiler fails this file when a code has no test.

const Draft = Type.Object({ text: Type.String() }, { additionalProperties: false });
const unused = scripted([]);
const agent = (name: string, extra: { output?: typeof Draft | ReturnType<typeof Type.Object> } = {}) =>
  defineAgent({
    name,
    description: `Does the ${name} part.`,
    input: Draft,
    instructions: `Do ${name}.`,
    model: unused,
    ...extra,
  });
const writer = agent('writer');
const reviewer = agent('reviewer');

/** A custom writer ⇄ reviewer machine from parts; `states` replaces or adds states. */
function review(
  states: Record<string, PartsStateConfig> = {},
  options: {
    initial?: string;
    meta?: { input?: object; output?: object };
    agents?: readonly AnyAgent[];
  } = {},
) {
  const agents = options.agents ?? [writer, reviewer];
  return partsMachine({
    id: 'review',
    initial: options.initial ?? 'writer',
    meta: options.meta ?? { input: Draft, output: Draft },
    actors: Object.fromEntries(agents.map((a) => [a.name, agentLogic(a)])),
    states: {
      writer: agentState({ agent: writer, on: [handoffTransition({ to: reviewer })] }),
      reviewer: agentState({
        agent: reviewer,
        on: [
          finishTransition({ output: Draft }),
          handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 3 } }),
        ],
      }),
      ...states,
      ...terminalStates(),
    },
  });
}

/** A hand-written writer state, with or without its error and budget exits. */
function handWritten({ onError, escalate }: { onError: boolean; escalate: boolean }): PartsStateConfig {
  return {
    meta: { baton: agentMeta(writer) },
    invoke: {
      id: 'writer',
      src: 'writer',
      input: ({ context }: { context: { payload: unknown } }) => context.payload,
      onDone: [
        handoffTransition({ to: reviewer }),
        ...(escalate
          ? [
              {
                guard: { type: 'baton.decided', params: { kinds: ['exhausted', 'ask'] } },
                target: 'escalated',
              },
            ]
          : []),
        { target: 'failed' },
      ],
      ...(onError ? { onError: { target: 'failed' } } : {}),
    },
  };
}

function flowOf(
  id: string,
  agents: readonly AnyAgent[],
  routes: Record<string, string[]>,
  finish: string[],
  limits: { handoffs?: number } = {},
) {
  return defineFlow({
    id,
    input: Work,
    output: Report,
    start: agents[0]!.name,
    agents,
    routes,
    finish,
    limits,
  } as never) as Checkable;
}

const letters = (...names: string[]) => names.map((n) => chainAgent(n));
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a ticket up.',
  input: Type.Object({ id: Type.String() }, { additionalProperties: false }),
  run: () => ({}),
});
const withTool = (name: string, tools: readonly (typeof lookup)[]) =>
  defineAgent({
    name,
    description: `Does the ${name} part.`,
    input: Work,
    instructions: 'Do it.',
    model: unused,
    tools,
  });
const described = (name: string, description: string) =>
  defineAgent({ name, description, input: Work, instructions: 'Do it.', model: unused });
const openai: Model = { id: 'openai:gpt-5-mini', call: () => Promise.reject(new Error('not called')) };
const Loose = Type.Object({ text: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const strictFlow = (input: typeof Draft | typeof Loose) =>
  defineFlow({
    id: 'strict',
    input,
    output: Draft,
    start: 'a',
    agents: [
      defineAgent({ name: 'a', description: 'Drafts.', input, instructions: 'Draft.', model: openai }),
      defineAgent({ name: 'b', description: 'Edits.', input, instructions: 'Edit.', model: openai }),
    ],
    routes: { a: ['b'] },
    finish: ['b'],
  });
const step = (output: typeof Draft | ReturnType<typeof Type.Object>) =>
  defineStep({
    name: 'prepare',
    description: 'Prepares a draft.',
    input: Draft,
    output,
    run: () => ({ text: 'x' }) as never,
  });
const stepMachine = (output: typeof Draft | ReturnType<typeof Type.Object>) => {
  const prepare = step(output);
  return review(
    { prepare: agentState({ agent: prepare, on: [handoffTransition({ to: writer })] }) },
    { initial: 'prepare', agents: [prepare, writer, reviewer] },
  );
};
const finisher = (output: typeof Draft | ReturnType<typeof Type.Object>) => {
  const own = agent('reviewer', { output });
  return review(
    { reviewer: agentState({ agent: own, on: [finishTransition({ output: Draft })] }) },
    { agents: [writer, own] },
  );
};

interface Case {
  readonly trips: () => Checkable;
  readonly passes: () => Checkable;
  readonly options?: CheckOptions;
  /** Where the diagnostic must point. */
  readonly state: string | null;
  readonly agent: string | null;
}

const CASES: Record<DiagnosticCode, Case> = {
  unreachable_state: {
    trips: () => flowOf('reach', letters('a', 'b', 'c'), { a: ['b'] }, ['b', 'c']),
    passes: () => flowOf('reach', letters('a', 'b', 'c'), { a: ['b', 'c'] }, ['b', 'c']),
    state: 'c',
    agent: 'c',
  },
  no_path_to_final: {
    trips: () =>
      review({
        writer: agentState({
          agent: writer,
          on: [
            handoffTransition({ to: reviewer }),
            { guard: { type: 'baton.decided', params: { kinds: ['ask'] } }, target: 'limbo' },
          ],
        }),
        limbo: {},
      }),
    passes: () =>
      review({
        writer: agentState({
          agent: writer,
          on: [
            handoffTransition({ to: reviewer }),
            { guard: { type: 'baton.decided', params: { kinds: ['ask'] } }, target: 'limbo' },
          ],
        }),
        limbo: { always: { target: 'escalated' } },
      }),
    state: 'limbo',
    agent: null,
  },
  done_unreachable: {
    trips: () => review({ writer: agentState({ agent: writer, on: [] }) }),
    passes: () => review(),
    state: 'done',
    agent: null,
  },
  unbounded_cycle: {
    trips: () => pingPongFlow({ handoffs: Number.POSITIVE_INFINITY, visits: Number.POSITIVE_INFINITY }),
    passes: () => pingPongFlow(),
    state: 'a',
    agent: 'a',
  },
  missing_error_exit: {
    trips: () => review({ writer: handWritten({ onError: false, escalate: true }) }),
    passes: () => review({ writer: handWritten({ onError: true, escalate: true }) }),
    state: 'writer',
    agent: 'writer',
  },
  missing_budget_exit: {
    trips: () => review({ writer: handWritten({ onError: true, escalate: false }) }),
    passes: () => review({ writer: handWritten({ onError: true, escalate: true }) }),
    state: 'writer',
    agent: 'writer',
  },
  unguarded_done: {
    trips: () =>
      review({
        writer: agentState({ agent: writer, on: [handoffTransition({ to: reviewer }), { target: 'done' }] }),
      }),
    passes: () =>
      review({
        writer: agentState({
          agent: writer,
          on: [handoffTransition({ to: reviewer }), finishTransition({ output: Draft })],
        }),
      }),
    state: 'writer',
    agent: 'writer',
  },
  route_target_invalid: {
    trips: () =>
      review({
        writer: agentState({ agent: writer, on: [handoffTransition({ to: reviewer, target: 'archive' })] }),
        archive: { always: { target: 'escalated' } },
      }),
    passes: () => review({ archive: { always: { target: 'escalated' } } }),
    state: 'writer',
    agent: 'writer',
  },
  step_output_mismatch: {
    trips: () => stepMachine(Type.Object({ summary: Type.String() }, { additionalProperties: false })),
    passes: () => stepMachine(Draft),
    state: 'prepare',
    agent: 'prepare',
  },
  finish_output_mismatch: {
    trips: () => finisher(Type.Object({ text: Type.Number() }, { additionalProperties: false })),
    passes: () => finisher(Draft),
    state: 'reviewer',
    agent: 'reviewer',
  },
  start_input_mismatch: {
    trips: () => review({}, { meta: { input: Type.Object({ text: Type.Number() }), output: Draft } }),
    passes: () => review({}, { meta: { input: Draft, output: Draft } }),
    state: 'writer',
    agent: 'writer',
  },
  dead_end_agent: {
    trips: () => flowOf('deadend', letters('a', 'b'), { a: ['b'] }, ['a']),
    passes: () => flowOf('deadend', letters('a', 'b'), { a: ['b'] }, ['a', 'b']),
    state: 'b',
    agent: 'b',
  },
  self_route: {
    trips: () => flowOf('selfroute', letters('a', 'b'), { a: ['a', 'b'] }, ['b']),
    passes: () => flowOf('selfroute', letters('a', 'b'), { a: ['b'] }, ['b']),
    state: 'a',
    agent: 'a',
  },
  duplicate_tool_owner: {
    trips: () => flowOf('tools', [withTool('a', [lookup]), withTool('b', [lookup])], { a: ['b'] }, ['b']),
    passes: () => flowOf('tools', [withTool('a', [lookup]), withTool('b', [])], { a: ['b'] }, ['b']),
    state: 'a',
    agent: 'a',
  },
  duplicate_description: {
    trips: () =>
      flowOf(
        'roles',
        [described('a', 'Handles the ticket.'), described('b', 'Handles  the ticket. ')],
        { a: ['b'] },
        ['b'],
      ),
    passes: () =>
      flowOf(
        'roles',
        [described('a', 'Handles the ticket.'), described('b', 'Writes the reply.')],
        { a: ['b'] },
        ['b'],
      ),
    state: 'a',
    agent: 'a',
  },
  chain_too_long: {
    trips: () =>
      flowOf(
        'long',
        letters('a', 'b', 'c', 'd', 'e', 'f'),
        { a: ['b'], b: ['c'], c: ['d'], d: ['e'], e: ['f'] },
        ['f'],
        {
          handoffs: 5,
        },
      ),
    passes: () => chainFlow(),
    state: 'a',
    agent: 'a',
  },
  chain_over_budget: {
    trips: () =>
      flowOf(
        'shortcut',
        letters('a', 'b', 'c', 'd', 'e'),
        { a: ['b', 'e'], b: ['c'], c: ['d'], d: ['e'] },
        ['e'],
        { handoffs: 2 },
      ),
    passes: () =>
      flowOf(
        'shortcut',
        letters('a', 'b', 'c', 'd', 'e'),
        { a: ['b', 'e'], b: ['c'], c: ['d'], d: ['e'] },
        ['e'],
        { handoffs: 4 },
      ),
    state: 'a',
    agent: 'a',
  },
  done_out_of_budget: {
    trips: () => chainFlow({ handoffs: 2 }),
    passes: () => chainFlow(),
    state: 'a',
    agent: 'a',
  },
  cost_limit_unpriced: {
    trips: () => chainFlow({ usd: 1 }),
    passes: () => chainFlow({ tokens: 50_000 }),
    state: 'a',
    agent: 'a',
  },
  strict_schema_unsupported: {
    trips: () => strictFlow(Loose),
    passes: () => strictFlow(Draft),
    state: 'a',
    agent: 'a',
  },
};

const idOf = (target: Checkable) =>
  'kind' in target && target.kind === 'flow' ? target.id : (target as { id: string }).id;

describe('check diagnostic codes', () => {
  it.each(Object.entries(CASES) as [DiagnosticCode, Case][])(
    'reports %s for a flow that trips it, naming flow, state, agent and fix, and not once it is fixed',
    (code, c) => {
      const target = c.trips();
      const found = check(target, c.options).filter((d) => d.code === code);
      expect(found.length).toBeGreaterThan(0);
      const [first] = found;
      expect(first).toMatchObject({
        severity: DIAGNOSTIC_CODES[code].severity,
        flow: idOf(target),
        state: c.state,
        agent: c.agent,
      });
      expect(first!.message).toContain(`"${idOf(target)}"`);
      if (c.agent !== null) expect(first!.message).toContain(`"${c.agent}"`);
      expect(first!.fix.length).toBeGreaterThan(10);
      expect(check(c.passes(), c.options).map((d) => d.code)).not.toContain(code);
    },
  );

  it('passes the support example and a clean custom machine with no diagnostics at all', () => {
    expect(check(support)).toEqual([]);
    expect(check(review())).toEqual([]);
    expect(check(chainFlow())).toEqual([]);
  });

  it('documents every code in docs/check.md', () => {
    const docs = readFileSync(new URL('../../docs/check.md', import.meta.url), 'utf8');
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => !docs.includes(`### \`${code}\``));
    expect(missing).toEqual([]);
  });
});
