// What the two floor rows share: the transactions Baton's SQLite store commits for one run of the chain,
// recorded at its connection from a Baton run (the same statements with the same parameters, so the same
// rows and JSON sizes), and a connection of the loop's own on which to replay them with each run's own id,
// on the same SQLite settings (libsql, WAL, synchronous=FULL). Runs in flight together share transactions
// as Baton's store does: a write that finds the connection idle is committed at once; writes that arrive
// in the same turn of the event loop are committed together.

import { offlineModel } from '../rows/baton.mjs';
import { batonChain } from './baton-chain.mjs';
import { checkPragmas, interceptConnection, makeCounts, openLibsql, tempDatabase } from './sqlite-files.mjs';
import { inputOf } from './workload.mjs';

/** The statement of a store commit: it moves the run to its next sequence number. */
const TRANSITION = /^UPDATE runs SET seq = \?/;

/**
 * The recorded transactions of one run and a loop that replays them. `replay(id, from, to)` commits
 * transactions `from` to `to - 1` for the run `id`, in order, each alone or shared with other runs'
 * writes of the same turn; `before[agent]` is how many transactions Baton had committed when that
 * agent's model call started; `counts` are the transitions and transactions committed so far.
 */
export async function openFloor({ baton, agents, prefix }) {
  const recorded = await recordTransactions(baton, agents);
  // The schema is the store's own; the connection is then the loop's alone.
  const path = tempDatabase(prefix);
  await (await baton.SqliteStore.open(path)).close();
  const db = openLibsql({ path });
  // The pragmas Baton's store sets on its own connection.
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  checkPragmas((name) => Object.values(db.prepare(`PRAGMA ${name}`).get())[0]);
  // BENCH_NOSYNC=1 turns the fsyncs off, to size the CPU a change saves (bench/lib/ab.mjs); never in tables.
  if (process.env.BENCH_NOSYNC) db.exec('PRAGMA synchronous = OFF');
  const statements = new Map();
  const prepared = (sql) => {
    if (!statements.has(sql)) statements.set(sql, db.prepare(sql));
    return statements.get(sql);
  };
  const counts = makeCounts();
  const writer = groupWriter(db, counts);
  const { runId } = recorded;
  const replay = async (id, from, to) => {
    for (let i = from; i < to; i += 1) {
      const transaction = recorded.transactions[i];
      const runs = transaction.runs.map(({ sql, params, changes }) => ({
        statement: prepared(sql),
        params: params.map((p) => (typeof p === 'string' ? p.replaceAll(runId, id) : p)),
        changes,
      }));
      await writer(() => {
        for (const { statement, params, changes } of runs) {
          const made = Number(statement.run(...params).changes);
          if (made !== changes)
            throw new Error(`a replayed statement changed ${made} rows, Baton's ${changes}`);
        }
      });
      counts.transitions += transaction.transitions;
    }
  };
  let serial = 0;
  /** A new run id of the recorded id's length. */
  const nextId = () => {
    serial += 1;
    return `${runId.slice(0, -10)}${String(serial).padStart(10, '0')}`;
  };
  return { ...recorded, counts, replay, nextId };
}

/**
 * The transactions a Baton run of the chain commits, in order: each statement's SQL, parameters and the
 * rows it changed, and how many transitions (store commits) the transaction holds.
 */
async function recordTransactions(baton, agents) {
  const transactions = [];
  let open = null;
  let recording = false;
  // The connection as the store sees it; the store's own transactions are recorded, statement by statement.
  const db = interceptConnection(openLibsql({ prefix: 'floor-record' }), {
    exec(sql, real) {
      real.exec(sql);
      if (!recording) return;
      if (sql.startsWith('BEGIN')) open = { runs: [], transitions: 0 };
      else if (sql === 'COMMIT') {
        // A transition is one of the store's commits: the UPDATE that moves the run's sequence number.
        open.transitions = open.runs.filter((r) => TRANSITION.test(r.sql)).length;
        transactions.push(open);
      }
    },
    run(sql, params, statement) {
      const result = statement.run(...params);
      if (recording) open.runs.push({ sql, params, changes: Number(result.changes) });
      return result;
    },
  });
  const store = await baton.SqliteStore.open('runs.db', { database: db });
  let commits = 0;
  const commit = store.commit.bind(store);
  store.commit = (c) => {
    commits += 1;
    return commit(c);
  };
  const before = {};
  const model = offlineModel({ pass: () => null });
  const makeModel = (names) => {
    const inner = model(names);
    return {
      id: inner.id,
      call(request) {
        before[request.agent] = transactions.length;
        return inner.call(request);
      },
    };
  };
  const chain = batonChain({ baton, agents, makeModel, runOptions: { store } });
  recording = true;
  const output = await chain(inputOf(0));
  recording = false;
  await store.close();
  const transitions = transactions.reduce((n, t) => n + t.transitions, 0);
  if (transitions !== commits)
    throw new Error(`recorded ${transitions} transitions of Baton's ${commits} commits`);
  const runId = transactions[0]?.runs[0]?.params[0];
  if (typeof runId !== 'string' || runId.length < 10) throw new Error('no run id recorded');
  return {
    transactions,
    before,
    runId,
    // The floor hands back what the chain would: the final payload, for the harness's check.
    output: (each) => ({ ticketId: each.ticketId, notes: output.notes, step: output.step }),
  };
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
