import type { RunUsage } from '../../machines/context.js';
import type { RunEvent } from '../run-events.js';
import type { SnapshotEnvelope, StoredRun, StoredStatus } from './store.js';
import { storedJson } from './store-rules.js';

/** A row of the `runs` table as the driver returns it. */
export interface RunRow {
  readonly id: string;
  readonly flow: string;
  readonly flow_version: string;
  readonly status: StoredStatus;
  readonly seq: number;
  readonly agent: string | null;
  readonly usage: string;
  readonly snapshot: string;
  readonly lease_holder: string | null;
  readonly lease_expires_at: number | null;
  readonly cancel_requested: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** The stored run a row of `runs` holds, its JSON columns parsed. */
export function runFromRow(row: RunRow): StoredRun {
  return {
    id: row.id,
    flow: row.flow,
    flowVersion: row.flow_version,
    status: row.status,
    seq: row.seq,
    agent: row.agent,
    usage: JSON.parse(row.usage) as RunUsage,
    snapshot: JSON.parse(row.snapshot) as SnapshotEnvelope,
    lease:
      row.lease_holder === null
        ? null
        : { holder: row.lease_holder, expiresAt: Number(row.lease_expires_at) },
    cancelRequested: row.cancel_requested !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** An event and its JSON text, made before the transaction so that the transaction holds only SQL. */
export interface EventBody {
  readonly runId: string;
  readonly seq: number;
  readonly body: string;
}

/** The rows of `events`, each with its JSON text. */
export function bodies(events: readonly RunEvent[]): EventBody[] {
  return events.map((event) => ({ runId: event.runId, seq: event.seq, body: storedJson(event) }));
}
