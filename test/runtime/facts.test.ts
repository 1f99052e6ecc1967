import {
  type AnyAgent,
  type AnyTool,
  type BatonError,
  defineAgent,
  defineFlow,
  defineTool,
  isBatonError,
  MemoryStore,
  type Model,
  type ModelReply,
  type ModelRequest,
  resumeRun,
  runFlow,
} from 'baton-flow';
import { manualClock, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Request = Type.Object({ passenger: Type.String(), want: Type.String() });
const Booking = Type.Object({ confirmation: Type.String() });
const Facts = Type.Object({
  passenger: Type.String(),
  seat: Type.Union([Type.String({ pattern: '^[0-9]{1,2}[A-F]$' }), Type.Null()]),
  flight: Type.String(),
});

const call = (name: string, args: unknown, id = `c-${name}`): ModelReply => ({
  text: '',
  toolCalls: [{ id, name, arguments: args as Record<string, unknown> }],
  stop: 'tool_calls',
  usage: { inputTokens: 50, outputTokens: 5 },
});

/** A seat tool: writes `seat` (or, to test the guard, whatever fact it is told to). */
function seatTool(ran: string[] = [], fact = 'seat') {
  return defineTool({
    name: 'update_seat',
    description: 'Moves the passenger to a seat.',
    input: Type.Object({ seat: Type.String() }),
    writes: ['seat'],
    run: ({ input, facts, write }) => {
      ran.push(input.seat);
      write(fact, input.seat);
      return { moved: `${String(facts.passenger)} to ${input.seat}` };
    },
  });
}

/**
 * booking (updates the seat) → confirm (reads passenger and seat). The models answer from their requests,
 * so what they see of the facts decides what they do.
 */
function airline(
  booking: Model,
  confirm: Model,
  tools: AnyTool[] = [seatTool()],
  options: { initial?: unknown } = {},
) {
  const agents: AnyAgent[] = [
    defineAgent({
      name: 'booking',
      description: 'Books seats.',
      input: Request,
      instructions: 'Book the seat, then hand over.',
      model: booking,
      tools,
      facts: ['seat'],
    }),
    defineAgent({
      name: 'confirm',
      description: 'Confirms.',
      input: Request,
      instructions: 'Confirm the booking.',
      model: confirm,
      facts: ['passenger', 'seat'],
    }),
  ];
  return defineFlow({
    id: 'airline',
    input: Request,
    output: Booking,
    start: 'booking',
    agents,
    routes: { booking: ['confirm'] },
    finish: ['confirm'],
    facts: {
      schema: Facts,
      initial:
        (options.initial as never) ??
        ((input: { passenger: string }) => ({ passenger: input.passenger, seat: null, flight: 'FLT-123' })),
    },
  });
}

const bookingModel = (seat: string) =>
  scripted((request) => {
    const done = request.messages.some((m) => m.role === 'tool');
    if (!done) return { tool: 'update_seat', args: { seat } };
    return { handoff: 'confirm', payload: request.input };
  });
const confirmModel = () =>
  scripted((request) => {
    const facts = request.facts as { passenger: string; seat: string | null } | undefined;
    return { finish: { confirmation: `${facts?.passenger ?? '?'} in ${facts?.seat ?? 'no seat'}` } };
  });

const input = { passenger: 'Ada', want: 'a window seat' };

/** A flow of one agent whose one fact, `note`, may hold anything its schema allows. */
const noteFlow = (keeper: AnyAgent, initial: { note: unknown }) =>
  defineFlow({
    id: 'notes',
    input: Request,
    output: Booking,
    start: 'keeper',
    agents: [keeper],
    finish: ['keeper'],
    facts: { schema: Type.Object({ note: Type.Unknown() }), initial },
  });

async function rejection(thunk: () => unknown): Promise<BatonError> {
  try {
    await thunk();
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('facts', () => {
  it('a tool writes a fact; a later agent that declares it sees it; the result carries the facts', async () => {
    const confirm = confirmModel();
    const result = await runFlow(airline(bookingModel('12A'), confirm), input);
    expect(result.status === 'done' && result.output).toEqual({ confirmation: 'Ada in 12A' });
    expect(result.facts).toEqual({ passenger: 'Ada', seat: '12A', flight: 'FLT-123' });
    // The confirm agent sees only the facts it declared, never the flight.
    expect(confirm.requests[0]!.facts).toEqual({ passenger: 'Ada', seat: '12A' });
  });

  it('the agent that wrote the fact sees it on its next turn; an agent that declares none sees none', async () => {
    const booking = bookingModel('3C');
    await runFlow(airline(booking, confirmModel()), input);
    expect(booking.requests[0]!.facts).toEqual({ seat: null });
    expect(booking.requests[1]!.facts).toEqual({ seat: '3C' });
    const quiet = scripted([{ finish: { confirmation: 'x' } }]);
    const plain = defineAgent({
      name: 'plain',
      description: 'P.',
      input: Request,
      instructions: 'Finish.',
      model: quiet,
    });
    const flow = defineFlow({
      id: 'plain',
      input: Request,
      output: Booking,
      start: 'plain',
      agents: [plain],
      finish: ['plain'],
      facts: { schema: Facts, initial: { passenger: 'x', seat: null, flight: 'y' } },
    });
    await runFlow(flow, input);
    expect(quiet.requests[0]!.facts).toBeUndefined();
  });

  it('refuses a write of a fact the tool did not declare, or a value that does not fit: the call fails, the fact stands', async () => {
    for (const [tool, seat, expected] of [
      [seatTool([], 'flight'), '12A', 'may not write fact "flight"'],
      [seatTool(), 'the aisle', 'Fact "seat" does not fit'],
    ] as const) {
      const booking = scripted((request: ModelRequest) => {
        const result = request.messages.find((m) => m.role === 'tool');
        if (!result) return { tool: 'update_seat', args: { seat } };
        return { handoff: 'confirm', payload: request.input };
      });
      const result = await runFlow(airline(booking, confirmModel(), [tool]), input);
      const answer = booking.requests[1]!.messages.find((m) => m.role === 'tool');
      expect(answer?.role === 'tool' && answer.isError).toBe(true);
      expect(answer?.role === 'tool' && answer.content).toContain(expected);
      expect(result.facts).toEqual({ passenger: 'Ada', seat: null, flight: 'FLT-123' });
    }
  });

  it('refuses a fact that is not plain JSON data, even where its schema allows anything: the call fails, the run goes on', async () => {
    const deep = () => {
      let value: unknown = 'leaf';
      for (let i = 0; i < 10_000; i += 1) value = [value];
      return value;
    };
    const cyclic = () => {
      const node: Record<string, unknown> = { name: 'loop' };
      node.self = node;
      return node;
    };
    for (const [label, make, expected] of [
      ['deep', deep, 'it is nested deeper than 256 levels at $[0][0]'],
      ['cyclic', cyclic, 'it is cyclic at $.self, which refers back to $'],
      ['bigint', () => ({ count: 10n }), 'it is not plain JSON data: the bigint 10 at $.count'],
      ['function', () => ({ next: () => 1 }), 'it is not plain JSON data: a function at $.next'],
      ['not finite', () => [1, Number.NaN], 'it is not plain JSON data: NaN at $[1]'],
      ['date', () => ({ at: new Date(0) }), 'it is not plain JSON data: an instance of Date at $.at'],
    ] as const) {
      const note = defineTool({
        name: 'note',
        description: 'Keeps a note.',
        input: Type.Object({}),
        writes: ['note'],
        run: ({ write }) => {
          write('note', make());
          return { kept: true };
        },
      });
      const model = scripted((request: ModelRequest) =>
        request.messages.some((m) => m.role === 'tool')
          ? { finish: { confirmation: 'noted' } }
          : { tool: 'note', args: {} },
      );
      const keeper = defineAgent({
        name: 'keeper',
        description: 'Keeps notes.',
        input: Request,
        instructions: 'Note it, then finish.',
        model,
        tools: [note],
        facts: ['note'],
      });
      const flow = noteFlow(keeper, { note: null });
      const store = new MemoryStore();
      const result = await runFlow(flow, input, { store });
      expect({ label, status: result.status, facts: result.facts }).toEqual({
        label,
        status: 'done',
        facts: { note: null },
      });
      expect((await store.get(result.runId))?.status, label).toBe('done');
      const answer = model.requests[1]!.messages.find((m) => m.role === 'tool');
      expect(answer?.role === 'tool' && answer.isError, label).toBe(true);
      expect(answer?.role === 'tool' && answer.content, label).toContain(
        `Fact "note" cannot be kept: ${expected}`,
      );
    }
  });

  it('changes a fact only through a declared write: a tool that changes one in place fails its call, and no other run sees it', async () => {
    const initial = { note: { tier: 'basic', tags: ['new'] } };
    const sneaky = defineTool({
      name: 'peek',
      description: 'Reads the note.',
      input: Type.Object({}),
      run: ({ facts }) => {
        const note = facts.note as { tier: string; tags: string[] };
        note.tags.push('vip');
        note.tier = 'gold';
        return 'changed';
      },
    });
    // A writer that keeps a reference to what it wrote, and changes it after the write.
    let written: { tier: string } | null = null;
    const writer = defineTool({
      name: 'upgrade',
      description: 'Upgrades the note.',
      input: Type.Object({}),
      writes: ['note'],
      run: ({ write }) => {
        written = { tier: 'silver' };
        write('note', written);
        written.tier = 'platinum';
        return 'upgraded';
      },
    });
    const keeperOf = (tools: AnyTool[], tool: string) => {
      const model = scripted((request: ModelRequest) => {
        if (!request.messages.some((m) => m.role === 'tool')) return { tool, args: {} };
        const note = (request.facts as { note: { tier: string } }).note;
        return { finish: { confirmation: note.tier } };
      });
      return {
        model,
        agent: defineAgent({
          name: 'keeper',
          description: 'Keeps notes.',
          input: Request,
          instructions: 'Read the note, then finish.',
          model,
          tools,
          facts: ['note'],
        }),
      };
    };
    const peeking = keeperOf([sneaky], 'peek');
    const first = await runFlow(noteFlow(peeking.agent, initial), input);
    expect(first.status === 'done' && first.output).toEqual({ confirmation: 'basic' });
    const answer = peeking.model.requests[1]!.messages.find((m) => m.role === 'tool');
    expect(answer?.role === 'tool' && answer.isError).toBe(true);
    expect(answer?.role === 'tool' && answer.content).toMatch(/read only|not extensible/);
    // The flow's initial value is the flow's, not the run's: a second run starts from it unchanged.
    expect(initial).toEqual({ note: { tier: 'basic', tags: ['new'] } });
    const second = await runFlow(noteFlow(keeperOf([sneaky], 'peek').agent, initial), input);
    expect(second.status === 'done' && second.facts).toEqual({ note: { tier: 'basic', tags: ['new'] } });
    const upgrading = keeperOf([writer], 'upgrade');
    const upgraded = await runFlow(noteFlow(upgrading.agent, initial), input);
    expect(upgraded.status === 'done' && upgraded.output).toEqual({ confirmation: 'silver' });
    expect(upgraded.status === 'done' && upgraded.facts).toEqual({ note: { tier: 'silver' } });
  });

  it('ends failed / invalid_input when the initial facts are not plain JSON data, even where the schema allows anything', async () => {
    const model = scripted([]);
    const keeper = defineAgent({
      name: 'keeper',
      description: 'Keeps notes.',
      input: Request,
      instructions: 'Finish.',
      model,
      facts: ['note'],
    });
    const result = await runFlow(noteFlow(keeper, { note: { at: new Date(0) } }), input);
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('they are not plain JSON data: an instance of Date at $.note.at'),
    });
    expect(model.requests).toHaveLength(0);
  });

  it('rejects at definition a fact no schema declares, and facts named in a flow without facts', async () => {
    const bad = defineTool({
      name: 'bad',
      description: 'B.',
      input: Type.Object({}),
      writes: ['gate'],
      run: () => null,
    });
    const error = await rejection(() => airline(bookingModel('1A'), confirmModel(), [bad]));
    expect(error.code).toBe('invalid_flow');
    expect(error.message).toContain('tool "bad" names the fact "gate"');
    const reader = defineAgent({
      name: 'reader',
      description: 'R.',
      input: Request,
      instructions: 'Read.',
      model: scripted([]),
      facts: ['seat'],
    });
    const none = await rejection(() =>
      defineFlow({
        id: 'none',
        input: Request,
        output: Booking,
        start: 'reader',
        agents: [reader],
        finish: ['reader'],
      }),
    );
    expect(none.code).toBe('invalid_flow');
    expect(none.message).toContain('declares no facts');
    expect(
      (
        await rejection(() =>
          defineTool({
            name: 'b2',
            description: 'B.',
            input: Type.Object({}),
            writes: 'seat' as never,
            run: () => null,
          }),
        )
      ).code,
    ).toBe('invalid_agent');
  });

  it('ends failed / invalid_input, before any model call, when the initial facts do not fit or the initial function throws', async () => {
    for (const initial of [
      { passenger: 'Ada', seat: 'aisle', flight: 'F' },
      () => {
        throw new Error('no such passenger');
      },
      () => 42,
    ]) {
      const booking = bookingModel('1A');
      const result = await runFlow(airline(booking, confirmModel(), [seatTool()], { initial }), input);
      expect(result.status).toBe('failed');
      expect(result.status === 'failed' && result.reason.code).toBe('invalid_input');
      expect(result.status === 'failed' && result.reason.message).toContain('facts');
      expect(booking.requests).toHaveLength(0);
    }
  });

  it('replays a fact a tool wrote before a crash, without running the tool again', async () => {
    const store = new MemoryStore();
    const ran: string[] = [];
    // The first process: the tool runs and writes, then the model call after it never returns.
    let calls = 0;
    const dying: Model = {
      id: 'dying',
      call: () => {
        calls += 1;
        if (calls === 1) return Promise.resolve(call('update_seat', { seat: '7F' }));
        return new Promise(() => undefined);
      },
    };
    void runFlow(airline(dying, confirmModel(), [seatTool(ran)]), input, {
      store,
      runId: 'crash',
      leaseMs: 1_000,
      clock: manualClock(0),
    });
    while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ran).toEqual(['7F']);
    // Another process resumes once the lease expired: the journaled reply and tool result replay.
    const again: string[] = [];
    const result = await resumeRun(airline(bookingModel('9A'), confirmModel(), [seatTool(again)]), 'crash', {
      store,
      clock: manualClock(60_000),
    });
    expect(again).toEqual([]);
    expect(result.status === 'done' && result.output).toEqual({ confirmation: 'Ada in 7F' });
    expect(result.facts).toMatchObject({ seat: '7F' });
  });
});
