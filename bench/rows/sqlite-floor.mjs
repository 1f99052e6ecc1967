// The physical limit of the durable rows: a bare loop doing the SQL writes Baton's SQLite store makes for
// one run of the chain (the same rows, the same JSON sizes, the same statements, one transaction each)
// on the same SQLite settings (libsql, WAL, synchronous=FULL), with no framework and no reads. The
// writes are recorded once, from a Baton run of the chain, and replayed with each run's own id. Runs in
// flight together share transactions as Baton's store does: a write that finds the connection idle is
// committed at once; writes that arrive in the same turn of the event loop are committed together.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { batonChain } from '../lib/baton-chain.mjs';
import { ROOT } from '../lib/deps.mjs';
import { checkPragmas, makeCounts, tempDatabase } from '../lib/sqlite-files.mjs';
import { inputOf, PARK_AT } from '../lib/workload.mjs';
import { offlineModel } from './baton.mjs';

const SQL = {
  create: `INSERT INTO runs (id, flow, flow_version, status, seq, agent, usage, snapshot, lease_holder,
    lease_expires_at, cancel_requested, created_at, updated_at) VALUES (?, ?, ?, 'running', 0, NULL, ?, ?, ?, ?, 0, ?, ?)`,
  commit: `UPDATE runs SET seq = ?, status = ?, agent = ?, usage = ?, snapshot = ?, updated_at = ?
    WHERE id = ? AND seq = ? AND lease_holder = ?`,
  event: 'INSERT INTO events (run_id, seq, body) VALUES (?, ?, ?)',
  lease: 'UPDATE runs SET lease_holder = ?, lease_expires_at = ? WHERE id = ?',
  release: 'UPDATE runs SET lease_holder = NULL, lease_expires_at = NULL WHERE id = ? AND lease_holder = ?',
  journal: 'INSERT INTO journal (run_id, step, key, value, at) VALUES (?, ?, ?, ?, ?)',
};

export const row = {
  id: 'sqlite-floor',
  label: "bare SQLite loop: Baton's writes, nothing else (WAL, synchronous=FULL)",
  packages: ['libsql'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    const writes = await recordWrites(baton, agents);
    // The schema is the store's own; the connection is then the loop's alone.
    const path = tempDatabase('floor');
    await (await baton.SqliteStore.open(path)).close();
    const Database = createRequire(join(ROOT, 'package.json'))('libsql');
    const db = new Database(path, { timeout: 5000 });
    // The pragmas Baton's store sets on its own connection.
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    checkPragmas((name) => Object.values(db.prepare(`PRAGMA ${name}`).get())[0]);
    // BENCH_NOSYNC=1 turns the fsyncs off, to size the CPU a change saves (bench/lib/ab.mjs); never in tables.
    if (process.env.BENCH_NOSYNC) db.exec('PRAGMA synchronous = OFF');
    const statements = Object.fromEntries(Object.entries(SQL).map(([kind, sql]) => [kind, db.prepare(sql)]));
    const counts = makeCounts();
    const writer = groupWriter(db, counts);
    // The third agent's commit is where a Baton run parks (its model call waits behind the gate).
    const parkBefore = writes.findIndex((w) => w.kind === 'commit' && w.agent === PARK_AT);
    let serial = 0;
    const run = async (input) => {
      serial += 1;
      const id = `${writes.runId.slice(0, -10)}${String(serial).padStart(10, '0')}`;
      for (const [i, write] of writes.entries()) {
        if (i === parkBefore) {
          const wait = gate.pass();
          if (wait) await wait;
        }
        const params = write.params.map((p) => (typeof p === 'string' ? p.replaceAll(writes.runId, id) : p));
        const events = write.events.map((e) => [id, e.seq, e.body.replaceAll(writes.runId, id)]);
        await writer(() => {
          const { changes } = statements[write.kind].run(...params);
          if (Number(changes) !== 1 && write.kind !== 'release')
            throw new Error(`${write.kind} wrote nothing`);
          for (const event of events) statements.event.run(...event);
        });
        if (write.kind === 'commit') counts.transitions += 1;
      }
      return writes.output(input);
    };
    run.counts = counts;
    return run;
  },
};

/** The writes a Baton run of the chain makes, in order, as statement parameters. */
async function recordWrites(baton, agents) {
  const store = await baton.SqliteStore.open(tempDatabase('floor-record'));
  const writes = [];
  const rec = (kind, params, events = [], agent = null) => writes.push({ kind, params, events, agent });
  const body = (events) => events.map((e) => ({ seq: e.seq, body: JSON.stringify(e) }));
  const wrap = (name, record) => {
    const original = store[name].bind(store);
    store[name] = (...args) => {
      record(...args);
      return original(...args);
    };
  };
  wrap('create', (r) =>
    rec(
      'create',
      [
        r.id,
        r.flow,
        r.flowVersion,
        JSON.stringify(r.usage),
        JSON.stringify(r.snapshot),
        r.lease.holder,
        r.lease.expiresAt,
        r.at,
        r.at,
      ],
      body(r.events),
    ),
  );
  wrap('commit', (c) =>
    rec(
      'commit',
      [
        c.seq,
        c.status,
        c.agent,
        JSON.stringify(c.usage),
        JSON.stringify(c.snapshot),
        c.at,
        c.runId,
        c.seq - 1,
        c.holder,
      ],
      body(c.events),
      c.agent,
    ),
  );
  wrap('lease', (runId, holder, now, ttl) => rec('lease', [holder, now + ttl, runId]));
  wrap('release', (runId, holder) => rec('release', [runId, holder]));
  wrap('journal', (e) => rec('journal', [e.runId, e.step, e.key, JSON.stringify(e.value), e.at]));
  const gate = { pass: () => null };
  const chain = batonChain({ baton, agents, makeModel: offlineModel(gate), runOptions: { store } });
  const input = inputOf(0);
  const output = await chain(input);
  await store.close();
  const runId = writes[0]?.params[0];
  if (typeof runId !== 'string' || runId.length < 10) throw new Error('no run id recorded');
  // The floor hands back what the chain would: the final payload, for the harness's check.
  const notes = output.notes;
  return Object.assign(writes, {
    runId,
    output: (each) => ({ ticketId: each.ticketId, notes, step: output.step }),
  });
}

/**
 * The loop's transactions: a write that finds the connection idle is committed at once, alone; writes
 * that arrive in the same turn of the event loop wait for its end and are committed together.
 */
function groupWriter(db, counts) {
  let waiting = [];
  let turnTaken = false;
  const commit = (batch) => {
    db.exec('BEGIN IMMEDIATE');
    for (const w of batch) w.work();
    db.exec('COMMIT');
    counts.transactions += 1;
    for (const w of batch) w.resolve();
  };
  const flush = () => {
    const batch = waiting;
    if (batch.length === 0) {
      turnTaken = false;
      return;
    }
    waiting = [];
    turnTaken = true;
    setImmediate(flush);
    commit(batch);
  };
  return (work) =>
    new Promise((resolve) => {
      waiting.push({ work, resolve });
      if (!turnTaken) flush();
    });
}
