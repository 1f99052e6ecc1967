import { RUN_COLUMNS } from './postgres-rows.js';
import { FINISHED_STATUSES } from './store.js';

// The Postgres store's longer statements, by the schema they run in. Each is one statement, so each
// commits on its own (no transaction round trips) and is atomic.

/** The final statuses as an SQL list: `'done', 'escalated', 'failed', 'cancelled'`. */
const FINISHED = FINISHED_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * Commits a transition, fenced: the run's row changes only at the expected sequence number ($2 - 1), for
 * the lease holder ($8), while the run has not ended and the first event ($9) follows the stored log; the
 * commit's (run_id, seq) goes into the unique commits table, and the events are appended. Returns the
 * run's cancel flag, or no row when the fence refused the commit.
 */
function commitStatement(s: string): string {
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
function insertRunStatement(s: string): string {
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
function fenceStatement(s: string): string {
  return `SELECT seq, lease_holder, status,
     (SELECT COALESCE(MAX(seq), 0) FROM ${s}.events WHERE run_id = $1) AS last_event
   FROM ${s}.runs WHERE id = $1`;
}

/** Every statement of the Postgres store, for the schema `s`, made once per store. */
export function statementsFor(s: string) {
  return {
    insertRun: insertRunStatement(s),
    commit: commitStatement(s),
    fence: fenceStatement(s),
    run: `SELECT ${RUN_COLUMNS} FROM ${s}.runs WHERE id = $1`,
    list: `SELECT ${RUN_COLUMNS} FROM ${s}.runs
      WHERE ($1::text[] IS NULL OR status = ANY($1::text[])) AND ($2::text IS NULL OR flow = $2)
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    events: `SELECT body FROM ${s}.events WHERE run_id = $1 AND seq > $2 ORDER BY seq`,
    /** A lease taken: free, already the holder's, or expired at $4. */
    takeLease: `UPDATE ${s}.runs SET lease_holder = $2, lease_expires_at = $3
      WHERE id = $1 AND (lease_holder IS NULL OR lease_holder = $2 OR lease_expires_at <= $4)`,
    /** A lease renewed: only by its holder, even when it expired. */
    renewLease: `UPDATE ${s}.runs SET lease_holder = $2, lease_expires_at = $3
      WHERE id = $1 AND lease_holder = $2 AND $4::bigint IS NOT NULL`,
    leaseOf: `SELECT lease_holder, lease_expires_at FROM ${s}.runs WHERE id = $1`,
    release: `UPDATE ${s}.runs SET lease_holder = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_holder = $2`,
    /** The cancel flag set on a run that has not ended, and listening workers told on channel $2. */
    requestCancel: `UPDATE ${s}.runs SET cancel_requested = true WHERE id = $1 AND status NOT IN (${FINISHED})
      RETURNING pg_notify($2, id)`,
    statusOf: `SELECT status FROM ${s}.runs WHERE id = $1`,
    /**
     * A journal entry, written only for the lease holder ($6); the run's row is locked while the entry goes
     * in, so its lease cannot change hands in between. Returns the holder, or no row for an unknown run.
     */
    journal: `WITH fence AS (SELECT lease_holder FROM ${s}.runs WHERE id = $1 FOR SHARE),
      kept AS (
        INSERT INTO ${s}.journal (run_id, step, key, value, at)
        SELECT $1, $2, $3, $4::json, $5 FROM fence WHERE lease_holder = $6
        ON CONFLICT (run_id, step, key) DO NOTHING
        RETURNING 1
      )
      SELECT lease_holder FROM fence`,
    journaled: `SELECT step, key, value, at FROM ${s}.journal WHERE run_id = $1 AND step = $2 ORDER BY position`,
    deleteFinished: `DELETE FROM ${s}.runs WHERE status IN (${FINISHED}) AND updated_at < $1`,
    /** Which of the flows $2 some live worker serves: it holds a shared session lock keyed ($1, flow). */
    servedFlows: `SELECT flow FROM unnest($2::text[]) AS flow WHERE EXISTS (
        SELECT 1 FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint = (hashtext($1)::bigint & 4294967295)
          AND l.objid::bigint = (hashtext(flow)::bigint & 4294967295))`,
    stranded: `SELECT id, flow FROM ${s}.runs
      WHERE status = 'running' AND flow = ANY($1::text[]) AND lease_holder IS NOT NULL AND lease_expires_at <= $2
      ORDER BY lease_expires_at LIMIT $3`,
  } as const;
}

/** The statements of one Postgres store. */
export type PostgresStatements = ReturnType<typeof statementsFor>;
