import type { Store, StoredRun } from '../store/store.js';
import { contextOf } from '../stored-run.js';
import type { RunRecord } from './run-record.js';

/**
 * A stored run as a report reads it: its events from the store and, from its last snapshot, the path,
 * the ending (output or reason) and the partial result. A run that has not ended is an `UnfinishedRun`.
 */
export async function storedRecord(store: Store, run: StoredRun): Promise<RunRecord> {
  const events = await store.events(run.id);
  const context = contextOf(run.snapshot.snapshot);
  const path: readonly string[] = Array.isArray(context?.path) ? context.path : [];
  const base = { runId: run.id, flow: run.flow, usage: run.usage, path, events };
  const ending = context?.ending ?? null;
  if (ending?.status === 'done') return { ...base, status: 'done', output: ending.output };
  if (ending)
    return { ...base, status: ending.status, reason: ending.reason, partial: context?.partial ?? null };
  const status = run.status === 'awaiting_human' ? 'awaiting_human' : 'running';
  return { ...base, status };
}
