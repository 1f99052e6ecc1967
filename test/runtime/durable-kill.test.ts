// A process running a stored flow is killed with SIGKILL at several points; another process (this one)
// resumes the run from the SQLite file and must finish it as an uninterrupted run does, paying for no
// committed turn twice and re-sending the call that was in flight with its idempotency key.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resumeRun, runFlow, SqliteStore } from 'baton-flow';
import { manualClock } from 'baton-flow/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallLog, killFlow, replyFor } from '../fixtures/durable-flow.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

interface Call {
  readonly kind: 'model' | 'tool';
  readonly key: string;
}

function recorder(): { log: CallLog; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    log: {
      model: (_, key) => calls.push({ kind: 'model', key }),
      tool: (key) => calls.push({ kind: 'tool', key }),
    },
  };
}

/** Runs the child until it reaches `point`, then kills it with SIGKILL. */
function killAt(db: string, log: string, point: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/durable-child.ts', db, log, point],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (_, signal) => {
      if (signal === 'SIGKILL') done();
      else fail(new Error(`the child ended without being killed at ${point}: ${out}${err}`));
    });
  });
}

const input = { topic: 'tides' };

describe('a stored run killed with SIGKILL, resumed in another process', () => {
  it.each([
    ['between transitions (after the writer was entered)', 'commit:2', null],
    ['during a model call', 'model:writer', 'model'],
    ['during a tool call', 'tool', 'tool'],
    ["during the last agent's model call", 'model:editor', 'model'],
  ] as const)('finishes like an uninterrupted run when killed %s', async (_, point, inFlight) => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-kill-'));
    folders.push(folder);
    const db = join(folder, 'runs.db');
    const logFile = join(folder, 'calls.jsonl');
    await killAt(db, logFile, point);
    const before: Call[] = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Call);

    const store = await SqliteStore.open(db);
    try {
      const after = recorder();
      // Far enough ahead that the killed process's lease has expired.
      const clock = manualClock(Date.now() + 60_000);
      const result = await resumeRun(killFlow(after.log), 'killed', {
        store,
        models: replyFor(after.log),
        clock,
      });

      const reference = recorder();
      const uninterrupted = await runFlow(killFlow(reference.log), input, {
        models: replyFor(reference.log),
      });
      expect(result.status === 'done' ? 'done' : JSON.stringify(result)).toBe('done');
      expect(result.status === 'done' && result.output).toEqual(
        uninterrupted.status === 'done' && uninterrupted.output,
      );
      expect(result.path).toEqual(uninterrupted.path);

      // Every call of an uninterrupted run was made, each once, except the one in flight at the kill.
      const all = [...before, ...after.calls];
      const keys = all.map((c) => `${c.kind} ${c.key}`);
      const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
      if (inFlight === null) expect(twice).toEqual([]);
      else expect(twice).toEqual([`${inFlight} ${before.at(-1)!.key}`]);
      expect(new Set(keys).size).toBe(reference.calls.length);
      expect(await store.get('killed')).toMatchObject({ status: 'done', lease: null });
      expect(result.events.map((e) => e.seq)).toEqual(result.events.map((__, i) => i + 1));
    } finally {
      await store.close();
    }
  });

  it('lets exactly one of two processes racing to resume the run advance it; the other gets lease_held', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-race-'));
    folders.push(folder);
    const db = join(folder, 'runs.db');
    await killAt(db, join(folder, 'calls.jsonl'), 'model:writer');
    // Two connections to one file, as two processes have.
    const [one, two] = await Promise.all([SqliteStore.open(db), SqliteStore.open(db)]);
    try {
      const clock = manualClock(Date.now() + 60_000);
      const race = [one, two].map((store, i) => {
        const { log } = recorder();
        return resumeRun(killFlow(log), 'killed', {
          store,
          models: replyFor(log),
          clock,
          holder: `racer-${i}`,
        }).then(
          (result) => result.status,
          (error: unknown) => (error as { code?: string }).code,
        );
      });
      expect((await Promise.all(race)).sort()).toEqual(['done', 'lease_held']);
      expect(await one.get('killed')).toMatchObject({ status: 'done', lease: null });
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('waits for an approval with no process holding it, and finishes once after the approver was killed mid-tool', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-approve-'));
    folders.push(folder);
    const db = join(folder, 'runs.db');
    const logFile = join(folder, 'calls.jsonl');
    // The first process parks the run for the approval and is killed while idle.
    await killAt(db, logFile, 'awaiting');
    const store = await SqliteStore.open(db);
    try {
      expect(await store.get('killed')).toMatchObject({ status: 'awaiting_human', lease: null });
      // A second process approves; it is killed while the approved tool runs.
      await killAt(db, logFile, 'approve:tool');
      const before: Call[] = readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Call);
      expect((await store.get('killed'))?.status).toBe('running');
      // A third (this one) resumes once the second's lease expired: the tool in flight runs again with the
      // same key, nothing else is paid for twice.
      const after = recorder();
      const clock = manualClock(Date.now() + 60_000);
      const result = await resumeRun(killFlow(after.log, true), 'killed', {
        store,
        models: replyFor(after.log, true),
        clock,
      });
      expect(result.status === 'done' ? 'done' : JSON.stringify(result)).toBe('done');
      const keys = [...before, ...after.calls].map((c) => `${c.kind} ${c.key}`);
      const publishes = keys.filter((key) => key.startsWith('tool publish:'));
      expect(publishes).toHaveLength(2);
      expect(publishes[0]).toBe(publishes[1]);
      expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([publishes[0]]);
      expect(await store.get('killed')).toMatchObject({ status: 'done', lease: null });
      // The approval is in the run's log, once.
      const answers = (await store.events('killed')).filter(
        (e) => e.type === 'transition' && e.kind === 'answer',
      );
      expect(answers).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
