import { FINISHED_STATUSES } from './store.js';

// The Postgres store's longer statements, by the schema they run in. Each is one statement, so each
// commits on its own (no transaction round trips) and is atomic.

/** The final statuses as an SQL list: `'done', 'escalated', 'failed', 'cancelled'`. */
export const FINISHED = FINISHED_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * Commits a transition, fenced: the run's row changes only at the expected sequence number ($2 - 1), for
 * the lease holder ($8), while the run has not ended and the first event ($9) follows the stored log; the
 * commit's (run_id, seq) goes into the unique commits table, and the events are appended. Returns the
 * run's cancel flag, or no row when the fence refused the commit.
 */
export function commitStatement(s: string): string {
  return `WITH moved AS (
     UPDATE ${s}.runs SET seq = $2, status = $3, agent = $4, usage = $5::json, snapshot = $6::json,
       updated_at = $7
     WHERE id = $1 AND seq = $2 - 1 AND lease_holder = $8 AND status NOT IN (${FINISHED})
       AND ($9::integer IS NULL
         OR $9::integer > (SELECT COALESCE(MAX(seq), 0) FROM ${s}.events WHERE run_id = $1))
     RETURNING cancel_requested
   ), fenced AS (
     INSERT INTO ${s}.commits (run_id, seq, holder, at) SELECT $1, $2, $8, $7 FROM moved
   ), appended AS (
     INSERT INTO ${s}.events (run_id, seq, body)
     SELECT $1, event.seq, event.body::json FROM moved, unnest($10::integer[], $11::text[]) AS event (seq, body)
   )
   SELECT cancel_requested FROM moved`;
}

/** Creates a run ($6, $7: its lease, or nulls) with its first events; no row when the id is taken. */
export function insertRunStatement(s: string): string {
  return `WITH created AS (
     INSERT INTO ${s}.runs (id, flow, flow_version, status, seq, agent, usage, snapshot, lease_holder,
       lease_expires_at, cancel_requested, created_at, updated_at)
     VALUES ($1, $2, $3, 'running', 0, NULL, $4::json, $5::json, $6, $7, false, $8, $8)
     ON CONFLICT (id) DO NOTHING
     RETURNING id
   ), appended AS (
     INSERT INTO ${s}.events (run_id, seq, body)
     SELECT created.id, event.seq, event.body::json
     FROM created, unnest($9::integer[], $10::text[]) AS event (seq, body)
   )
   SELECT id FROM created`;
}

/** What a refused commit is checked against: the run's fence and its last event. */
export function fenceStatement(s: string): string {
  return `SELECT seq, lease_holder, status,
     (SELECT COALESCE(MAX(seq), 0) FROM ${s}.events WHERE run_id = $1) AS last_event
   FROM ${s}.runs WHERE id = $1`;
}
