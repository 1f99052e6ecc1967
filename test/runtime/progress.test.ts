import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunEvent, runFlow } from 'baton-flow';
import { manualClock } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { sampleInput, support } from '../../examples/support/flow.js';
import { main } from '../../runtime/cli/main.js';
import { Progress, type ProgressStyle } from '../../runtime/cli/progress.js';
import { cliIo } from '../helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLEAR = '\r\u001b[2K';

/** The events of a support run whose clock moves on 100 ms each time it is read. */
async function supportEvents(): Promise<readonly RunEvent[]> {
  let t = 0;
  const clock = { ...manualClock(), now: () => (t += 100) };
  const result = await runFlow(support, sampleInput, { clock });
  return result.events;
}

/** A progress of `style` on a terminal whose writes, printed lines and timer the test holds. */
function harness(style: ProgressStyle, columns?: number) {
  const written: string[] = [];
  const lines: string[] = [];
  let tick: (() => void) | null = null;
  let stopped = 0;
  let wall = 1_000;
  const progress = new Progress({
    style,
    out: (line) => {
      written.push(`<line>${line}`);
      lines.push(line);
    },
    terminal: { write: (text) => written.push(text), columns: () => columns },
    now: () => wall,
    every: (ms, fn) => {
      expect(ms).toBeGreaterThan(0);
      tick = fn;
      return () => {
        stopped += 1;
        tick = null;
      };
    },
  });
  return {
    progress,
    written,
    lines,
    tick: () => tick?.(),
    ticking: () => tick !== null,
    stopped: () => stopped,
    wait: (ms: number) => {
      wall += ms;
    },
  };
}

describe('live progress', () => {
  it('prints one line per event when not on a terminal, each attempt with its tokens and duration', async () => {
    const events = await supportEvents();
    const lines: string[] = [];
    const progress = new Progress({ style: 'lines', out: (line) => lines.push(line) });
    for (const event of events) progress.event(event);
    progress.stop();
    expect(lines[0]).toMatch(/^▶ support \(run-/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}1 +triage +hands off to billing {2}\(\d+ tokens, 0\.\d s\)$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}2 +billing +tool lookup_invoice: ok$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}2 +billing +finishes: done {2}\(\d+ tokens, \d\.\d s\)$/),
    );
    expect(lines.join('\n')).not.toContain('\u001b');
    // The tokens of an attempt are those of its model calls.
    const triageTokens = events
      .filter((e) => e.type === 'model.replied' && e.agent === 'triage')
      .reduce((n, e) => n + (e.type === 'model.replied' ? e.usage.inputTokens + e.usage.outputTokens : 0), 0);
    expect(lines.join('\n')).toContain(`hands off to billing  (${triageTokens} tokens,`);
  });

  it('draws a spinner line on a terminal with the attempt in flight, and keeps only the steps done above it', async () => {
    const events = await supportEvents();
    const h = harness('live');
    const byType = (type: string, n = 0) => events.filter((e) => e.type === type)[n]!;
    h.progress.event(byType('run.started'));
    h.progress.event(byType('agent.entered'));
    h.progress.event(byType('model.called'));
    expect(h.ticking()).toBe(true);
    expect(h.written.at(-1)).toBe(`${CLEAR}⠋ 1 triage · model turn 1 · 0 tokens · 0.0 s`);
    h.wait(1_500);
    h.tick();
    expect(h.written.at(-1)).toBe(`${CLEAR}⠙ 1 triage · model turn 1 · 0 tokens · 1.5 s`);

    for (const event of events.slice(events.indexOf(byType('model.called')) + 1)) h.progress.event(event);
    expect(h.lines.map((l) => l.replace(/\d+ tokens, [\d.]+ s/, 'N tokens, T s'))).toEqual([
      expect.stringMatching(/^▶ support/),
      '  1   triage       hands off to billing  (N tokens, T s)',
      '  2   billing      finishes: done  (N tokens, T s)',
    ]);
    // Every line printed is printed on a cleared line, and the run's end stops the spinner and erases it.
    for (let i = 1; i < h.written.length; i += 1) {
      if (h.written[i]!.startsWith('<line>') && !h.written[i - 1]!.startsWith('<line>'))
        expect(h.written[i - 1]).toBe(CLEAR);
    }
    expect(h.stopped()).toBe(1);
    expect(h.ticking()).toBe(false);
    expect(h.written.at(-1)).toBe(CLEAR);
    expect(h.written.some((w) => w.includes('2 billing · tool lookup_invoice'))).toBe(true);
  });

  it('cuts the live line to the terminal width', async () => {
    const events = await supportEvents();
    const h = harness('live', 20);
    for (const event of events.slice(0, 3)) h.progress.event(event);
    const drawn = h.written.filter((w) => w.startsWith(CLEAR) && w.length > CLEAR.length);
    expect(drawn.length).toBeGreaterThan(0);
    for (const text of drawn) expect([...text.slice(CLEAR.length)].length).toBeLessThanOrEqual(19);
    h.progress.stop();
    expect(h.ticking()).toBe(false);
  });

  it('prints plain lines in the live style when there is no terminal to draw on', async () => {
    const events = await supportEvents();
    const lines: string[] = [];
    const progress = new Progress({ style: 'live', out: (line) => lines.push(line) });
    for (const event of events) progress.event(event);
    expect(lines.some((l) => l.includes('model turn 1'))).toBe(true);
  });

  it('prints each event as one JSON line with --jsonl, and nothing in the style none', async () => {
    const events = await supportEvents();
    const json = harness('jsonl');
    const none = harness('none');
    for (const event of events) {
      json.progress.event(event);
      none.progress.event(event);
    }
    expect(json.lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(events)));
    expect(json.written.every((w) => w.startsWith('<line>'))).toBe(true);
    expect([...none.written, ...none.lines]).toEqual([]);
  });
});

const RUN = ['run', 'examples/support', '--no-store'];

describe('baton run output', () => {
  it('prints JSON Lines with --jsonl: every event, then the result without its events', async () => {
    const cli = cliIo(root);
    expect(await main([...RUN, '--jsonl'], cli.io)).toBe(0);
    expect(cli.err).toEqual([]);
    const lines = cli.out.map((line) => JSON.parse(line) as { type: string; seq?: number });
    expect(lines[0]).toMatchObject({ type: 'run.started', flow: 'support', seq: 1 });
    expect(lines.at(-2)).toMatchObject({ type: 'run.ended', status: 'done' });
    const result = lines.at(-1) as Record<string, unknown>;
    expect(result).toMatchObject({ type: 'result', status: 'done', path: ['triage', 'billing', 'done'] });
    expect(result).not.toHaveProperty('events');
    expect(lines.slice(0, -1).map((e) => e.seq)).toEqual(lines.slice(0, -1).map((_, i) => i + 1));
  });

  it('prints only the result with --quiet', async () => {
    const cli = cliIo(root);
    expect(await main([...RUN, '-q'], cli.io)).toBe(0);
    const text = cli.out.join('\n');
    expect(text).toMatch(/^✔ done\n/);
    expect(text).not.toContain('▶');
    expect(text).not.toContain('hands off');
  });

  it('draws the live line on a terminal and keeps the steps on stdout', async () => {
    const drawn: string[] = [];
    const cli = cliIo(root, {}, { terminal: { write: (text) => drawn.push(text), columns: () => 100 } });
    expect(await main(RUN, cli.io)).toBe(0);
    expect(
      drawn.some((d) => d.startsWith(CLEAR) && d.slice(CLEAR.length + 1).startsWith(' 2 billing · ')),
    ).toBe(true);
    expect(drawn.at(-1)).toBe(CLEAR);
    const text = cli.out.join('\n');
    expect(text).toMatch(/1\s+triage\s+hands off to billing {2}\(\d+ tokens, \d+\.\d s\)/);
    expect(text).not.toContain('model turn 1');
    expect(text).toContain('✔ done');
  });

  it.each([
    [['--json', '--jsonl'], '--json and --jsonl'],
    [['--quiet', '--jsonl'], '--quiet and --jsonl'],
  ])('refuses %j together', async (flags, named) => {
    const cli = cliIo(root);
    expect(await main([...RUN, ...flags], cli.io)).toBe(64);
    expect(cli.out).toEqual([]);
    expect(cli.err).toEqual([`baton: invalid_argument: ${named} cannot be used together: pick one output.`]);
  });
});
