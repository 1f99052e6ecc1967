import { BatonError } from '../../contracts/errors.js';
import type { RunUsage } from '../../machines/context.js';
import type { Commit, SnapshotEnvelope, StoredRun, StoredStatus } from './store.js';
import { fencedRefusal } from './store-rules.js';

/** The columns of `runs` the store reads, as `pg` returns them (`json` parsed, `bigint` as text). */
export const RUN_COLUMNS =
  'id, flow, flow_version, status, seq, agent, usage, snapshot, lease_holder, lease_expires_at, cancel_requested, created_at, updated_at';

/** The stored run a row of `runs` holds. */
export function runFromRow(row: Record<string, unknown>): StoredRun {
  const holder = row.lease_holder as string | null;
  return {
    id: row.id as string,
    flow: row.flow as string,
    flowVersion: row.flow_version as string,
    status: row.status as StoredStatus,
    seq: Number(row.seq),
    agent: row.agent as string | null,
    usage: row.usage as RunUsage,
    snapshot: row.snapshot as SnapshotEnvelope,
    lease: holder === null ? null : { holder, expiresAt: Number(row.lease_expires_at) },
    cancelRequested: row.cancel_requested === true,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * Why a commit the fenced statement refused was refused, from the run's fence row (`fenceStatement`): no
 * such run, the fence, or events that do not follow the log; null when nothing refuses it now (the run
 * changed in between).
 */
export function refusalOf(row: Record<string, unknown> | undefined, commit: Commit): BatonError | null {
  return fencedRefusal(
    row
      ? {
          seq: Number(row.seq),
          holder: row.lease_holder === null ? null : String(row.lease_holder),
          status: row.status as StoredStatus,
          lastEvent: Number(row.last_event),
        }
      : null,
    commit,
  );
}

/** The error for a commit whose number another commit took: the unique (run_id, seq) refused it. */
export function committedTwice(commit: Commit): BatonError {
  return new BatonError(
    'store_conflict',
    `Commit ${commit.seq} of run "${commit.runId}" was refused: another process made commit ${commit.seq} first.`,
    { details: { runId: commit.runId, seq: commit.seq } },
  );
}
