import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { isBatonError } from 'baton-flow';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { exitCodeOf } from '../../runtime/cli/exit-codes.js';
import { loadInspectorPackages } from '../../runtime/cli/inspect-option.js';
import { main } from '../../runtime/cli/main.js';
import { openRunView } from '../../runtime/cli/run-view.js';
import { cliIo } from '../helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A list that can be waited on: `when` resolves once an item that matches has been added. */
function watched<T>() {
  const items: T[] = [];
  const waiting: { readonly match: (item: T) => boolean; readonly done: () => void }[] = [];
  return {
    items,
    add(item: T): void {
      items.push(item);
      for (const w of waiting.filter((w) => w.match(item))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.done();
      }
    },
    when(match: (item: T) => boolean): Promise<void> {
      if (items.some(match)) return Promise.resolve();
      return new Promise((done) => waiting.push({ match, done }));
    },
  };
}

/** Whether a received message is an inspection event of one of the three kinds `@statelyai/inspect` defines. */
function isStatelyEvent(value: unknown): value is StatelyInspectionEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const base =
    typeof e.sessionId === 'string' &&
    typeof e._version === 'string' &&
    typeof e.createdAt === 'string' &&
    /^\d+$/.test(e.createdAt) &&
    (e.rootId === undefined || typeof e.rootId === 'string') &&
    // Its converter sends `id: null` where its type says string; an event's is a random string.
    (e.id === null || typeof e.id === 'string');
  if (!base) return false;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null;
  const isEvent = (v: unknown) => isObject(v) && typeof (v as { type?: unknown }).type === 'string';
  switch (e.type) {
    case '@xstate.actor':
      return (
        typeof e.name === 'string' &&
        isObject(e.snapshot) &&
        (e.definition === undefined || typeof e.definition === 'string') &&
        (e.parentId === undefined || typeof e.parentId === 'string')
      );
    case '@xstate.event':
      return isEvent(e.event) && (e.sourceId === undefined || typeof e.sourceId === 'string');
    case '@xstate.snapshot':
      return isObject(e.snapshot) && isEvent(e.event);
    default:
      return false;
  }
}

/** A CLI io whose stderr lines can be waited on, keeping the Ctrl-C handlers the CLI registers. */
function watchedIo() {
  const stderr = watched<string>();
  const interrupts: (() => void)[] = [];
  const onInterrupt = (handler: () => void) => interrupts.push(handler);
  const { io, out } = cliIo(root, {}, { err: (line) => stderr.add(line), onInterrupt });
  return { io, out, err: stderr.items, stderr, interrupts };
}

describe('baton run --inspect', () => {
  it('sends the run to the Stately inspector on 127.0.0.1, with its handoffs, repairs and ending named', async () => {
    const cli = watchedIo();
    const running = main(['run', 'examples/support', '--no-store', '--inspect'], cli.io);
    await cli.stderr.when((line) => line.includes('until Ctrl-C'));
    const url = /open (http:\/\/127\.0\.0\.1:(\d+)) in a browser/.exec(cli.err[0] ?? '');
    expect(url, cli.err.join('\n')).not.toBeNull();
    const port = Number(url![2]);

    // A viewer that connects once the run has ended is sent all of it.
    const viewer = watched<unknown>();
    const received = viewer.items;
    createWebSocketReceiver({ server: `ws://127.0.0.1:${port}` }).subscribe((event) => viewer.add(event));
    await viewer.when(
      (e) => isStatelyEvent(e) && e.type === '@xstate.event' && e.event.type === 'baton.finish',
    );
    const page = await fetch(url![1]!).then((r) => r.text());
    expect(page).toContain('<iframe id="inspector" src="https://stately.ai/inspect"');
    expect(page).toContain(`new WebSocket('ws://127.0.0.1:${port}')`);
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? '';
    expect(() => new Function(script)).not.toThrow();

    // A web page of another origin may not read the run.
    const foreign = new WebSocket(`ws://127.0.0.1:${port}`, {
      headers: { Origin: 'https://elsewhere.example' },
    });
    const refused = await new Promise<number>((done) => {
      foreign.on('unexpected-response', (_request, response) => done(response.statusCode ?? 0));
      foreign.on('open', () => done(101));
    });
    expect(refused).toBe(401);

    // Ctrl-C ends the command with the run's exit code and closes the server.
    cli.interrupts.at(-1)!();
    expect(await running).toBe(0);
    const closed = await new Promise<string>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        done('open');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
    });
    expect(closed).toBe('ECONNREFUSED');

    // Every message is an inspection event as @statelyai/inspect defines them.
    expect(received.filter((e) => !isStatelyEvent(e))).toEqual([]);
    const events = received as StatelyInspectionEvent[];
    const actors = events.flatMap((e) => (e.type === '@xstate.actor' ? [e] : []));
    const flow = actors.find((a) => a.parentId === undefined)!;
    expect(flow.name).toBe('support');
    expect(JSON.parse(flow.definition!)).toMatchObject({
      id: 'support',
      states: { triage: {}, billing: {}, tech: {}, done: {}, escalated: {}, failed: {}, cancelled: {} },
    });
    const agents = actors.filter((a) => a.parentId === flow.sessionId);
    expect(agents.map((a) => a.name)).toEqual(['triage', 'billing']);

    const sent = events.flatMap((e) => (e.type === '@xstate.event' ? [e] : []));
    const types = sent.map((e) => e.event.type);
    expect(types).toContain('xstate.done.actor.triage');
    expect(types.filter((t) => t.startsWith('baton.'))).toEqual(['baton.handoff', 'baton.finish']);
    const handoff = sent.find((e) => e.event.type === 'baton.handoff')!;
    expect(handoff.event).toEqual({ type: 'baton.handoff', from: 'triage', to: 'billing', step: 1 });
    expect(handoff.sessionId).toBe(flow.sessionId);
    expect(handoff.sourceId).toBe(agents[0]!.sessionId);
    // In order: the handoff is named after triage's attempt ends, before the flow is in billing.
    const at = (match: (e: StatelyInspectionEvent) => boolean) => events.findIndex(match);
    const doneTriage = at((e) => e.type === '@xstate.event' && e.event.type === 'xstate.done.actor.triage');
    const named = at((e) => e.type === '@xstate.event' && e.event.type === 'baton.handoff');
    const inBilling = at(
      (e) =>
        e.type === '@xstate.snapshot' &&
        e.sessionId === flow.sessionId &&
        (e.snapshot as { value?: unknown }).value === 'billing',
    );
    expect(doneTriage).toBeLessThan(named);
    expect(named).toBeLessThan(inBilling);
    const last = events.findLast((e) => e.type === '@xstate.snapshot' && e.sessionId === flow.sessionId);
    expect(last?.type === '@xstate.snapshot' && last.snapshot).toMatchObject({
      status: 'done',
      value: 'done',
      context: { ending: { status: 'done' } },
    });
  });

  it('says which package to install when @statelyai/inspect is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@statelyai/inspect'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await openRunView({ inspect: true }, watchedIo().io, () =>
      loadInspectorPackages({ stately: () => Promise.reject(missing) }),
    ).catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('missing_dependency');
    expect((error as Error).message).toContain('npm install --save-dev @statelyai/inspect');
    expect(exitCodeOf(error)).toBe(69);
  });

  it('refuses a bad --inspect-port, and --inspect-port without --inspect, before running anything', async () => {
    for (const argv of [
      ['--inspect', '--inspect-port', '80x'],
      ['--inspect', '--inspect-port', '70000'],
      ['--inspect-port', '8080'],
    ]) {
      const cli = watchedIo();
      expect(await main(['run', 'examples/support', '--no-store', ...argv], cli.io)).toBe(64);
      expect(cli.out).toEqual([]);
      expect(cli.err).toEqual([expect.stringMatching(/^baton: invalid_argument: --inspect-port /)]);
    }
  });
});
