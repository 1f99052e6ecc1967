import { FINISHED_STATUSES } from './store.js';

// The SQLite store's statements, prepared once per store on first use.

/** The final statuses as an SQL list: `'done', 'escalated', 'failed', 'cancelled'`. */
const FINISHED = FINISHED_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * A transition's UPDATE, fenced by sequence number, lease holder, an unfinished status and the stored log
 * (its first event must follow the last one stored). The status is compared term by term, which measured
 * cheaper than a `NOT IN` list; bench/findings.md has the figures.
 */
const COMMIT = `UPDATE runs SET seq = ?, status = ?, agent = ?, usage = ?, snapshot = ?, updated_at = ?
  WHERE id = ? AND seq = ? AND lease_holder = ?
    AND ${FINISHED_STATUSES.map((status) => `status <> '${status}'`).join(' AND ')}
    AND (? IS NULL OR ? > (SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = ?))`;

/** The finished runs last updated before a time. */
const OLD = `SELECT id FROM runs WHERE status IN (${FINISHED}) AND updated_at < ?`;

export const SQL = {
  /** A new run, leased to its creator; a taken id inserts nothing. */
  create: `INSERT INTO runs (id, flow, flow_version, status, seq, agent, usage, snapshot, lease_holder,
      lease_expires_at, cancel_requested, created_at, updated_at)
    VALUES (?, ?, ?, 'running', 0, NULL, ?, ?, ?, ?, 0, ?, ?)
    ON CONFLICT (id) DO NOTHING`,
  commit: COMMIT,
  /** The commit of a run whose cancel nobody requested: most commits, and cheaper than one with RETURNING. */
  commitUncancelled: `${COMMIT} AND cancel_requested = 0`,
  /** What a refused commit is checked against: the run's fence and the last event stored. */
  fence: `SELECT seq, lease_holder, status,
      (SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = runs.id) AS last_event
    FROM runs WHERE id = ?`,
  event: 'INSERT INTO events (run_id, seq, body) VALUES (?, ?, ?)',
  events: 'SELECT body FROM events WHERE run_id = ? AND seq > ? ORDER BY seq',
  run: 'SELECT * FROM runs WHERE id = ?',
  statusOf: 'SELECT status FROM runs WHERE id = ?',
  holderOf: 'SELECT lease_holder FROM runs WHERE id = ?',
  leaseOf: 'SELECT lease_holder, lease_expires_at FROM runs WHERE id = ?',
  lease: 'UPDATE runs SET lease_holder = ?, lease_expires_at = ? WHERE id = ?',
  release: 'UPDATE runs SET lease_holder = NULL, lease_expires_at = NULL WHERE id = ? AND lease_holder = ?',
  requestCancel: 'UPDATE runs SET cancel_requested = 1 WHERE id = ?',
  /** A journal entry; the first value for a (run, step, key) is kept. */
  journal: `INSERT INTO journal (run_id, step, key, value, at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (run_id, step, key) DO NOTHING`,
  journaled: 'SELECT step, key, value, at FROM journal WHERE run_id = ? AND step = ? ORDER BY position',
  deleteEvents: `DELETE FROM events WHERE run_id IN (${OLD})`,
  deleteJournal: `DELETE FROM journal WHERE run_id IN (${OLD})`,
  deleteRuns: `DELETE FROM runs WHERE id IN (${OLD})`,
} as const;
