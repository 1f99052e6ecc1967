// FM-1.4 Loss of conversation history: a settled fact or decision is lost and an agent reverts to an
// earlier state. Guards exercised:
// - facts (agents/facts.ts): a settled fact lives in the run's typed state, shown to every agent that
//   declares it, and only a tool that declares it may write it; any other write fails and the fact keeps
//   its value;
// - the loop check of a handoff (machines/assess.ts): reverting a later agent to a state an earlier
//   agent already had (the very input it already got) ends `loop_detected` (tagged FM-1.3).
import { defineAgent, defineFlow, defineTool, runFlow } from 'baton-flow';
import { type ScriptedModel, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { draftFlow } from './draft-flow.js';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Request = Type.Object(
  { passenger: Type.String(), seat: Type.String() },
  { additionalProperties: false },
);
const Meal = Type.Object({ passenger: Type.String(), meal: Type.String() }, { additionalProperties: false });
const Confirmation = Type.Object({ text: Type.String() }, { additionalProperties: false });
const Passenger = Type.Object({ name: Type.String(), seat: Type.Union([Type.String(), Type.Null()]) });

function seatFlow(model: ScriptedModel) {
  const bookSeat = defineTool({
    name: 'book_seat',
    description: 'Books a seat for the passenger.',
    input: Type.Object({ seat: Type.String() }, { additionalProperties: false }),
    writes: ['seat'],
    run: ({ input, write }) => {
      write('seat', input.seat);
      return { booked: input.seat };
    },
  });
  // The meal agent's tool may note a preference; it does not own the seat.
  const notePreference = defineTool({
    name: 'note_preference',
    description: 'Notes a preference of the passenger.',
    input: Type.Object({ seat: Type.String() }, { additionalProperties: false }),
    run: ({ input, write }) => {
      write('seat', input.seat);
      return { noted: true };
    },
  });
  const booking = defineAgent({
    name: 'booking',
    description: 'Books the seat.',
    input: Request,
    instructions: 'Book the seat, then hand the passenger to the meal desk.',
    model,
    tools: [bookSeat],
    facts: ['seat'],
  });
  const meals = defineAgent({
    name: 'meals',
    description: 'Orders the meal.',
    input: Meal,
    output: Confirmation,
    instructions: 'Order the meal and confirm the booking.',
    model,
    tools: [notePreference],
    facts: ['seat'],
  });
  return defineFlow({
    id: 'seats',
    input: Request,
    output: Confirmation,
    start: 'booking',
    agents: [booking, meals],
    routes: { booking: ['meals'] },
    finish: ['meals'],
    facts: { schema: Passenger, initial: (input) => ({ name: input.passenger, seat: null }) },
  });
}

describe('FM-1.4 loss of conversation history', () => {
  it('keeps a settled seat when a later agent that lost it writes the old one back: the write fails and the run ends done', async () => {
    const model = scripted([
      { agent: 'booking', tool: 'book_seat', args: { seat: '14C' }, ...spend(280, 21) },
      {
        agent: 'booking',
        handoff: 'meals',
        payload: { passenger: 'Ada', meal: 'vegetarian' },
        ...spend(330, 29),
      },
      { agent: 'meals', tool: 'note_preference', args: { seat: '3A' }, ...spend(260, 19) },
      { agent: 'meals', finish: { text: 'Vegetarian meal ordered.' }, ...spend(318, 23) },
    ]);
    const result = await runFlow(seatFlow(model), { passenger: 'Ada', seat: '14C' });
    expect(result.status).toBe('done');
    expect(result.facts).toEqual({ name: 'Ada', seat: '14C' });
    // The meal agent was shown the settled seat with its input, without any transcript of the booking.
    expect(JSON.stringify(model.requests[2]?.messages ?? [])).not.toContain('book_seat');
    expect(JSON.stringify(model.requests[2])).toContain('14C');
    const refused = model.requests[3]?.messages.at(-1);
    expect(refused?.role === 'tool' && refused.isError).toBe(true);
    expect(callsByAgent(model)).toEqual({ booking: 2, meals: 2 });
    expect(totalTokens(result)).toBe(280 + 21 + 330 + 29 + 260 + 19 + 318 + 23);
    model.assertComplete();
  });

  it('ends loop_detected when an agent reverts the work to a state an earlier agent already had', async () => {
    const model = scripted([
      {
        agent: 'writer',
        handoff: 'editor',
        payload: { topic: 'tides', draft: 'Tides follow the moon.' },
        ...spend(190, 35),
      },
      // The editor forgot the draft was settled and restarts the writer from the brief it already had.
      { agent: 'editor', handoff: 'writer', payload: { topic: 'tides' }, ...spend(244, 15) },
    ]);
    const result = await runFlow(draftFlow(model, 'drafts', { handoffs: 6, visits: 3 }), { topic: 'tides' });
    expectEnding(result, 'escalated', 'loop_detected', 'FM-1.3');
    expect(result.status === 'escalated' && result.reason.agent).toBe('editor');
    expect(callsByAgent(model)).toEqual({ writer: 1, editor: 1 });
    expect(totalTokens(result)).toBe(190 + 35 + 244 + 15);
    model.assertComplete();
  });
});
