import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerRun, resumeRun, SqliteStore } from 'baton-flow';
import { manualClock } from 'baton-flow/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { killFlow, replyFor } from '../fixtures/durable-flow.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/stored');
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A copy of a fixture database in a temp folder: the fixture itself is never written. */
function copyOf(name: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'baton-fixture-'));
  folders.push(folder);
  const file = join(folder, name);
  copyFileSync(join(fixtures, name), file);
  return file;
}

describe('databases written by earlier versions', () => {
  it('resumes the run in killed-at-editor.v1.db to the end, paying only for the call that was in flight', async () => {
    const store = await SqliteStore.open(copyOf('killed-at-editor.v1.db'));
    try {
      expect(await store.get('killed')).toMatchObject({ status: 'running', agent: 'editor', seq: 3 });
      const calls: string[] = [];
      const log = { model: (agent: string) => calls.push(agent), tool: () => calls.push('tool') };
      const result = await resumeRun(killFlow(log), 'killed', {
        store,
        models: replyFor(log),
        clock: manualClock(Date.now() + 60_000),
      });
      expect(result).toMatchObject({
        status: 'done',
        output: { title: 'On tides', body: 'the moon pulls' },
        path: ['researcher', 'writer', 'editor', 'done'],
      });
      expect(calls).toEqual(['editor']);
    } finally {
      await store.close();
    }
  });

  it('answers the approval awaiting-approval.v1.db waits on, and the approved tool runs once', async () => {
    const store = await SqliteStore.open(copyOf('awaiting-approval.v1.db'));
    try {
      expect(await store.get('killed')).toMatchObject({
        status: 'awaiting_human',
        agent: 'editor',
        lease: null,
      });
      const calls: string[] = [];
      const log = {
        model: (agent: string) => calls.push(agent),
        tool: (key: string) => calls.push(key.split(':')[0]!),
      };
      const result = await answerRun(
        killFlow(log, true),
        'killed',
        { approved: true },
        {
          store,
          models: replyFor(log, true),
          question: 'q3',
        },
      );
      expect(result).toMatchObject({
        status: 'done',
        output: { title: 'On tides', body: 'the moon pulls' },
        path: ['researcher', 'writer', 'editor', 'done'],
      });
      expect(calls).toEqual(['publish', 'editor']);
    } finally {
      await store.close();
    }
  });
});
