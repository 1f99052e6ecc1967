import { PostgresStore } from '../store/postgres-store.js';
import type { Store, StoredRun, StoredStatus } from '../store/store.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';

/** Options of `baton runs`. */
export interface RunsCommandOptions extends StoreFlags {
  /** Statuses to list, comma-separated. */
  readonly status?: string | undefined;
  readonly flow?: string | undefined;
  /** How many runs at most, as typed. */
  readonly limit?: string | undefined;
  readonly json?: boolean | undefined;
}

/** Every status a stored run can have; the compiler keeps the list complete. */
const STATUS_NAMES: Readonly<Record<StoredStatus, true>> = {
  running: true,
  awaiting_human: true,
  done: true,
  escalated: true,
  failed: true,
  cancelled: true,
};
const STATUSES = Object.keys(STATUS_NAMES) as StoredStatus[];

/** `baton runs`: the stored runs that match, newest first, as a table or JSON. */
export async function runsCommand(options: RunsCommandOptions, io: CliIo): Promise<number> {
  const status = options.status === undefined ? undefined : readStatuses(options.status);
  const limit = options.limit === undefined ? undefined : readLimit(options.limit);
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const runs = await store.list({
      ...(status ? { status } : {}),
      ...(options.flow !== undefined ? { flow: options.flow } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    const now = Date.now();
    const queue = await queueStates(store, runs, now);
    if (options.json)
      io.out(
        JSON.stringify(
          runs.map((run) => ({
            ...runSummary(run),
            ...(queue.has(run.id) ? { queue: queue.get(run.id) } : {}),
          })),
          null,
          2,
        ),
      );
    else if (runs.length === 0) io.out(`No stored run in ${shown} matches.`);
    else {
      io.out(table(runs, now, queue));
      const unserved = [
        ...new Set(runs.filter((run) => queue.get(run.id) === 'no_worker').map((run) => run.flow)),
      ];
      for (const flow of unserved)
        io.out(
          `Runs of flow ${flow} wait for a worker: no live worker on this database advances ${flow}. Start one with baton worker <the module of ${flow}> --db <this database>.`,
        );
    }
    return 0;
  });
}

/**
 * Where a run of a Postgres store stands with the workers, for a run `running` that no process advances:
 * `queued` (its job waits for a worker of its flow), `no_worker` (no live worker serves its flow, so it
 * waits until one starts) or `stranded` (its lease expired: its worker died, and a sweep hands it on).
 */
export type QueueState = 'queued' | 'no_worker' | 'stranded';

/** The queue state of each run that has one; none outside a Postgres store. */
async function queueStates(
  store: Store,
  runs: readonly StoredRun[],
  now: number,
): Promise<Map<string, QueueState>> {
  const states = new Map<string, QueueState>();
  if (!(store instanceof PostgresStore)) return states;
  const waiting = runs.filter(
    (run) => run.status === 'running' && (run.lease === null || run.lease.expiresAt <= now),
  );
  const served = await store.servedFlows([...new Set(waiting.map((run) => run.flow))]);
  for (const run of waiting)
    states.set(run.id, !served.has(run.flow) ? 'no_worker' : run.lease === null ? 'queued' : 'stranded');
  return states;
}

/** A stored run without its snapshot: what `baton runs --json` and `baton show --json` print of it. */
export function runSummary(run: StoredRun) {
  return {
    id: run.id,
    flow: run.flow,
    flowVersion: run.flowVersion,
    status: run.status,
    agent: run.agent,
    usage: run.usage,
    cancelRequested: run.cancelRequested,
    lease: run.lease,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}

/** How long ago a time was, in its largest whole unit: `45s`, `3m`, `2h`, `5d`. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function readStatuses(value: string): StoredStatus[] {
  const names = value.split(',').map((name) => name.trim());
  const wrong = names.filter((name) => !STATUSES.includes(name as StoredStatus));
  if (wrong.length > 0)
    throw new CliError(
      'usage',
      'invalid_argument',
      `--status ${wrong.map((name) => `"${name}"`).join(', ')} is not a run status. Pass one or more of ${STATUSES.join(', ')}, separated by commas (e.g. --status failed,escalated).`,
      { details: { status: value } },
    );
  return names as StoredStatus[];
}

function readLimit(value: string): number {
  const limit = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new CliError(
      'usage',
      'invalid_argument',
      `--limit "${value}" is not a number of runs. Pass a whole number, 1 or more (e.g. --limit 20).`,
      { details: { limit: value } },
    );
  return limit;
}

const HEADINGS = ['ID', 'FLOW', 'STATUS', 'AGENT', 'TOKENS', 'COST', 'AGE'] as const;

/** The status column of a run with a queue state. */
const QUEUE_NAMES: Readonly<Record<QueueState | 'none', string | undefined>> = {
  queued: 'queued',
  no_worker: 'queued (no worker)',
  stranded: 'stranded',
  none: undefined,
};

/** The runs as a table, one per row, in columns wide enough for their longest cell. */
function table(runs: readonly StoredRun[], now: number, queue: ReadonlyMap<string, QueueState>): string {
  const rows = runs.map((run) => [
    run.id,
    run.flow,
    QUEUE_NAMES[queue.get(run.id) ?? 'none'] ?? run.status,
    run.agent ?? '-',
    String(run.usage.inputTokens + run.usage.outputTokens),
    `$${run.usage.costUsd.toFixed(4)}`,
    formatAge(now - run.updatedAt),
  ]);
  const all = [[...HEADINGS], ...rows];
  const widths = HEADINGS.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
