import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerRun, check, MemoryStore, runFlow, type StoredRunResult } from 'baton-flow';
import { describe, expect, it } from 'vitest';
import { customerService } from '../../examples/customer-service/flow.js';
import { main } from '../../runtime/cli/main.js';
import { cliIo } from '../helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Talks to the flow through the API: each answer goes to the question the run waits on. */
async function converse(first: string, replies: readonly string[]) {
  const store = new MemoryStore();
  const asked: string[] = [];
  let result: StoredRunResult = await runFlow(customerService, { message: first }, { store, runId: 'chat' });
  for (const reply of replies) {
    if (result.status !== 'awaiting_human') break;
    asked.push(`${result.question.agent}> ${result.question.question}`);
    result = await answerRun(customerService, 'chat', reply, { store, question: result.question.id });
  }
  return { result, asked, store };
}

describe('examples/customer-service', () => {
  it('changes a seat over several turns, keeping what the tool learnt as typed facts', async () => {
    const { result, asked } = await converse('Can I change my seat?', ['abc123', '23a', 'no, thanks']);
    expect(asked).toEqual([
      'seat_booking> Sure. What is your confirmation number?',
      'seat_booking> Which seat would you like?',
      'seat_booking> Done: your seat on FLT-123 is now 23A. Is there anything else I can help with?',
    ]);
    expect(result.status).toBe('done');
    expect(result.facts).toEqual({ name: null, confirmation: 'ABC123', seat: '23A', flight: 'FLT-123' });
    expect(result.path).toEqual(['triage', 'seat_booking', 'done']);
  });

  it('hands back to triage for another topic; the FAQ agent never sees the seat conversation', async () => {
    const { result, asked, store } = await converse('I want another seat', [
      'ABC123',
      'window',
      '4F',
      'What about the wifi?',
      "that's all",
    ]);
    expect(asked[2]).toContain('There is no such seat');
    expect(result.status === 'done' && result.output).toEqual({
      reply: 'There is free wifi on the plane: join Airline-Wifi. Have a good flight!',
    });
    expect(result.path).toEqual(['triage', 'seat_booking', 'triage', 'faq', 'done']);
    // The FAQ agent was handed the question alone.
    const events = await store.events('chat');
    const toFaq = events.find((e) => e.type === 'transition' && e.kind === 'handoff' && e.to === 'faq');
    expect(toFaq).toBeDefined();
    expect(result.facts).toMatchObject({ seat: '4F' });
  });

  it('asks triage-side when the first message says nothing it can route', async () => {
    const { asked, result } = await converse('hello', ['how heavy may my bag be?', 'no']);
    expect(asked[0]).toMatch(/^triage> Hello! I can answer/);
    expect(result.status === 'done' && (result.output as { reply: string }).reply).toContain(
      'one bag under 50 pounds',
    );
  });

  it('passes its check with no errors: the conversation terminates by construction', () => {
    expect(check(customerService).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('runs as a conversation at the terminal with baton chat', async () => {
    const typed = ['Can I change my seat?', 'ABC123', '12C', 'no'];
    const { io: captured, out } = cliIo(root, {}, { readLine: async () => typed.shift() ?? null });
    // Its stderr lines go in with stdout, marked, in the order a terminal shows them.
    const io = { ...captured, err: (line: string) => out.push(`ERR ${line}`) };
    const code = await main(['chat', join(root, 'examples/customer-service'), '--no-store'], io);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('seat_booking> Done: your seat on FLT-123 is now 12C.');
    expect(out.join('\n')).toContain('✔ done');

    const early = ['Can I change my seat?', 'ABC123'];
    const left: string[] = [];
    const stopped = await main(['chat', join(root, 'examples/customer-service'), '--no-store'], {
      ...io,
      out: (line: string) => left.push(line),
      readLine: async () => early.shift() ?? null,
    });
    expect(stopped).toBe(4);
    expect(left.at(-1)).toContain('the run waits');
  });
});
