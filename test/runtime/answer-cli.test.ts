import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBaton, spawnBaton, storedId } from '../helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SUPPORT = join(root, 'examples/support');
const CRASH = join(root, 'examples/support/crash-ticket.json');
const REFUNDS = join(root, 'test/fixtures/approval-flow.ts');

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'baton-answer-cli-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs `baton` in-process in the test's folder: its exit code, stdout as one text, and stderr. */
async function baton(argv: string[]) {
  const { code, out, err } = await runBaton(argv, cwd);
  return { code, out, err: err.join('\n') };
}

/**
 * Runs `baton` in a process of its own, as a person at a terminal would, and waits for it to exit. It runs
 * in the project folder (so the flow module imports the sources), with its run database in the test's.
 */
async function batonProcess(argv: string[], env: Record<string, string>) {
  const cli = spawnBaton([...argv, '--db', join(cwd, 'runs.db')], { env, timeout: 60_000 });
  const { code, out, err } = await cli.ended;
  return { code: code ?? 1, out, err };
}

describe('baton answer', () => {
  it('walks the support example: run waits for the customer, runs lists it, answer finishes it', async () => {
    const run = await baton(['run', SUPPORT, '--input', CRASH]);
    expect(run.code, run.err).toBe(4);
    expect(run.out).toContain('⏸ awaiting_human: agent tech asks (q2, answer by ');
    expect(run.out).toContain('Which version of the app are you running?');
    const id = storedId(run.out);

    const runs = await baton(['runs', '--status', 'awaiting_human']);
    expect(runs.code).toBe(0);
    expect(runs.out).toContain(id);
    const show = await baton(['show', id]);
    expect(show.out).toContain('status   awaiting_human');
    expect(show.out).toContain('Which version of the app are you running?');

    const answered = await baton(['answer', SUPPORT, id, '2.3.1', '--question', 'q2']);
    expect(answered.code, answered.err).toBe(0);
    expect(answered.out).toContain('answered (q2): "2.3.1"');
    expect(answered.out).toContain('✔ done');
    expect(answered.out).toContain('App crashes on start (app 2.3.1)');

    const again = await baton(['answer', SUPPORT, id, '2.4.0', '--question', 'q2']);
    expect(again.code).toBe(65);
    expect(again.err).toMatch(/^baton: already_answered: .*"2\.3\.1"/);
  });

  it('refuses an answer that does not fit, and a run that is not waiting, with one line each', async () => {
    const run = await baton(['run', SUPPORT, '--input', CRASH]);
    const id = storedId(run.out);
    const empty = await baton(['answer', SUPPORT, id, '""']);
    expect(empty.code).toBe(65);
    expect(empty.err).toMatch(/^baton: invalid_answer: The answer to q2/);
    expect((await baton(['show', id])).out).toContain('status   awaiting_human');
    const missing = await baton(['answer', SUPPORT, 'run-nope', 'x']);
    expect(missing.code).toBe(66);
    const done = await baton(['run', SUPPORT]);
    const finished = await baton(['answer', SUPPORT, storedId(done.out), 'x']);
    expect(finished.code).toBe(65);
    expect(finished.err).toMatch(/^baton: run_finished: /);
  });

  it('parks a refund for approval; another process approves it and the tool runs exactly once', async () => {
    const log = join(cwd, 'refunds.jsonl');
    const env = { BATON_REFUND_LOG: log };
    const first = await batonProcess(['run', REFUNDS], env);
    expect(first.code, first.err).toBe(4);
    expect(first.out).toContain('needs approval');
    expect(first.out).toContain('"refund"');
    const id = storedId(first.out);
    expect(() => readFileSync(log, 'utf8')).toThrow();

    const second = await batonProcess(['answer', REFUNDS, id, '{"approved": true}'], env);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('✔ done');
    const refunds = readFileSync(log, 'utf8').trim().split('\n');
    expect(refunds).toHaveLength(1);
    expect(JSON.parse(refunds[0]!)).toMatchObject({ id: 'C-7', amount: 250 });

    const third = await batonProcess(['answer', REFUNDS, id, '{"approved": true}'], env);
    expect(third.code).toBe(65);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  }, 180_000);
});
