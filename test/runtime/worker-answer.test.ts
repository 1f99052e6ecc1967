// A person's answer taken in one process and the run finished by the workers: `enqueueAnswer` against a
// throwaway Postgres, with the answering process and a worker that is killed run as child processes.
import { join } from 'node:path';
import { answerRun, type BatonError, isBatonError, MemoryStore, runFlow } from 'baton-flow';
import { enqueueAnswer, enqueueRun, type PostgresStore, type WorkerEvent } from 'baton-flow/postgres';
import { describe, expect, it } from 'vitest';
import { killFlow } from '../fixtures/durable-flow.js';
import { postgresMissing, skippedNote } from '../helpers/postgres.js';
import { tsxProcess } from '../helpers/processes.js';
import { logged, recorder, until, useSchemas, useWorkers } from '../helpers/workers.js';

const { start, keep, folder } = useWorkers();
const { url, schema } = useSchemas({ prefix: 'a', keep });

const input = { topic: 'tides' };
// Workers that look for jobs only every ten minutes: within a test, only a notification brings them.
const deaf = { pollMs: 600_000, sweepMs: 600_000 } as const;

const ended = (store: PostgresStore, runId: string) =>
  until(
    () => store.get(runId),
    (run) =>
      run !== null && run.status !== 'running' && run.status !== 'awaiting_human' && run.lease === null,
    `run ${runId} to end`,
  );

const waiting = (store: PostgresStore, runId: string) =>
  until(
    () => store.get(runId),
    (run) => run?.status === 'awaiting_human' && run.lease === null,
    `run ${runId} to wait for its approval`,
  );

/** Runs a fixture under test/fixtures as a child process; resolves with what it printed once it exits. */
function child(fixture: string, args: readonly string[]): { out: Promise<string>; kill: () => void } {
  const proc = tsxProcess(`test/fixtures/${fixture}`, args);
  const printed = proc.ended.then(({ code, signal, out, err }) => {
    if (code === 0 || signal === 'SIGKILL') return out;
    throw new Error(`${fixture} exited ${code ?? signal}: ${out}${err}`);
  });
  return { out: printed, kill: () => proc.child.kill('SIGKILL') };
}

/** Answers a run from another process, as a web handler would. */
async function answerElsewhere(
  schemaName: string,
  logFile: string,
  runId: string,
  answer: unknown,
  question?: string,
): Promise<{ taken?: { status: string; question?: string }; refused?: string; details?: unknown }> {
  const args = [url(), schemaName, logFile, runId, JSON.stringify(answer), ...(question ? [question] : [])];
  const out = await child('worker-answer.ts', args).out;
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

/** The reference: the same flow, waiting in memory and approved there, in one process. */
async function reference() {
  const { log, calls } = recorder();
  const store = new MemoryStore();
  const flow = killFlow(log, true);
  const parked = await runFlow(flow, input, { store, runId: 'run-memory' });
  expect(parked.status).toBe('awaiting_human');
  const result = await answerRun(flow, 'run-memory', { approved: true }, { store });
  return { result, calls };
}

describe.skipIf(postgresMissing !== null)(`answers handed to the workers${skippedNote}`, () => {
  it('takes an approval in another process after the worker that parked the run was killed; a worker runs the tool once and finishes the run', async () => {
    const { open, name } = schema();
    const store = await open();
    const files = folder('baton-answer-');
    const workerLog = join(files, 'worker.jsonl');
    const answerLog = join(files, 'answer.jsonl');
    const { log, calls } = recorder();
    const runId = await enqueueRun({ store, flow: killFlow(log, true), input });
    // A worker in another process advances the run to its approval, and is killed there.
    const doomed = child('worker-child.ts', [url(), name, workerLog, 'wait']);
    const parked = await waiting(store, runId);
    doomed.kill();
    await doomed.out;
    const events: WorkerEvent[] = [];
    const onEvent = (event: WorkerEvent) => events.push(event);
    const options = { flows: [killFlow(log, true)], ...deaf, onEvent };
    await start({ store, ...options, id: 'one' });
    await start({ store: await open(), ...options, id: 'two' });
    const said = await answerElsewhere(name, answerLog, runId, { approved: true });
    expect(said).toEqual({
      taken: { status: 'enqueued', runId, flow: 'kill', question: expect.any(String) },
    });
    // The answering process paid for nothing, and committed only the answer's transition.
    expect(logged(answerLog)).toEqual([]);
    const run = await ended(store, runId);
    expect(run).toMatchObject({ status: 'done' });
    const answeredAt = (await store.events(runId)).find(
      (e) => e.type === 'transition' && e.kind === 'answer',
    );
    expect(answeredAt).toMatchObject({ answer: { approved: true }, question: said.taken?.question });
    expect(parked?.seq).toBeLessThan(run?.seq ?? 0);
    // One of the two workers took it, by the notification (they poll only every ten minutes), and ended it.
    const taken = events.filter((e) => 'runId' in e && e.runId === runId);
    expect(taken.map((e) => e.type)).toEqual(['run.taken', 'run.left']);
    expect(taken[1]).toMatchObject({ status: 'done' });
    // The approved tool ran exactly once, in the worker; no call was paid for twice across the processes.
    const all = [...logged(workerLog), ...calls];
    expect(all.filter((c) => c.startsWith('tool publish:'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('tool publish:'))).toHaveLength(1);
    expect(new Set(all).size).toBe(all.length);
    const expected = await reference();
    expect(all).toHaveLength(expected.calls.length);
    if (run?.snapshot === undefined || expected.result.status !== 'done') throw new Error('no output');
    const output = (run.snapshot.snapshot as { context: { ending?: { output?: unknown } } }).context.ending
      ?.output;
    expect(output).toEqual(expected.result.output);
  }, 60_000);

  it('lets the first of two racing answers win: the second is refused with the answer that won', async () => {
    const { open } = schema();
    const store = await open();
    const { log, calls } = recorder();
    const flow = killFlow(log, true);
    const runId = await enqueueRun({ store, flow, input });
    const events: WorkerEvent[] = [];
    await start({ store, flows: [flow], ...deaf, onEvent: (e) => events.push(e) });
    await waiting(store, runId);
    const question = (await store.get(runId))?.snapshot.snapshot as {
      context: { verdict: { wait: { id: string } } };
    };
    const id = question.context.verdict.wait.id;
    const answers = [{ approved: true }, { approved: false, reason: 'not this one' }];
    const settled = await Promise.allSettled(
      answers.map(async (answer) =>
        enqueueAnswer({ store: await open(), flow, runId, answer, question: id }),
      ),
    );
    const won = settled.findIndex((s) => s.status === 'fulfilled');
    const lost = settled.find((s) => s.status === 'rejected');
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(settled[won]).toMatchObject({ value: { status: 'enqueued', question: id } });
    const refusal = lost?.status === 'rejected' ? (lost.reason as BatonError) : null;
    expect(isBatonError(refusal) && refusal.code).toBe('already_answered');
    expect(refusal?.details).toMatchObject({ question: id, answer: answers[won] });
    const run = await ended(store, runId);
    expect(run).toMatchObject({ status: 'done' });
    // The tool ran once if the approval won, never if the rejection did.
    expect(calls.filter((c) => c.startsWith('tool publish:'))).toHaveLength(won === 0 ? 1 : 0);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('refuses what answerRun refuses and changes nothing: an invalid answer, an unknown run, a run that ended', async () => {
    const { open } = schema();
    const store = await open();
    const { log } = recorder();
    const flow = killFlow(log, true);
    const runId = await enqueueRun({ store, flow, input });
    await start({ store, flows: [flow], ...deaf });
    const before = await waiting(store, runId);
    const code = (work: Promise<unknown>) =>
      work.then(
        () => 'taken',
        (error: unknown) => (isBatonError(error) ? error.code : String(error)),
      );
    expect(await code(enqueueAnswer({ store, flow, runId, answer: { approved: 'yes' } }))).toBe(
      'invalid_answer',
    );
    expect(await store.get(runId)).toEqual(before);
    expect(await code(enqueueAnswer({ store, flow, runId: 'run-nope', answer: { approved: true } }))).toBe(
      'run_not_found',
    );
    expect(await enqueueAnswer({ store, flow, runId, answer: { approved: true } })).toMatchObject({
      status: 'enqueued',
    });
    await ended(store, runId);
    expect(await code(enqueueAnswer({ store, flow, runId, answer: { approved: true } }))).toBe(
      'run_finished',
    );
  });
});
