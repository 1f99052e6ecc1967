import { startWorker } from '../worker/start-worker.js';
import type { WorkerEvent } from '../worker/worker-options.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadRunTarget } from './load-flows.js';
import { namedDatabase, openPostgresStore, shownPostgres } from './open-store.js';

/** Options of `baton worker`. */
export interface WorkerCommandOptions {
  readonly modules: readonly string[];
  readonly db?: string | undefined;
  readonly concurrency?: string | undefined;
}

/**
 * `baton worker <flow modules...> --db postgres://...`: advances the queued runs of the flows the modules
 * export until SIGTERM or Ctrl-C, then stops taking jobs, lets the runs in flight finish for a while and
 * releases the rest to other workers. Prints a line per run it takes and leaves.
 */
export async function workerCommand(options: WorkerCommandOptions, io: CliIo): Promise<number> {
  const { url, postgres, schema } = namedDatabase(options, io);
  if (url === undefined || !postgres)
    throw new CliError(
      'usage',
      'invalid_argument',
      `baton worker needs a Postgres database: pass --db postgres://user@host:5432/database${url === undefined ? '' : `, not ${url}`}.`,
    );
  const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new CliError(
      'usage',
      'invalid_argument',
      `--concurrency must be a whole number of runs, 1 or more; got ${options.concurrency}.`,
    );
  const flows = [];
  for (const module of options.modules) flows.push(...(await loadRunTarget(module, io.cwd)).flows);
  const store = await openPostgresStore({ url, schema });
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  io.onInterrupt(stop);
  // Held until the worker has stopped: a second SIGTERM while it hands runs back changes nothing.
  process.on('SIGTERM', stop);
  try {
    const worker = await startWorker({
      store,
      flows,
      signal: stopping.signal,
      onEvent: (event) => report(event, io),
      ...(concurrency === undefined ? {} : { concurrency }),
    });
    const ids = [...new Set(flows.map((flow) => flow.id))].join(', ');
    io.out(
      `baton worker ${worker.id}: advancing runs of ${ids} from ${shownPostgres(store)}, ${concurrency ?? 4} at a time. SIGTERM or Ctrl-C stops it.`,
    );
    await new Promise((resolve) => {
      if (stopping.signal.aborted) resolve(undefined);
      else stopping.signal.addEventListener('abort', resolve, { once: true });
    });
    io.out(
      `baton worker ${worker.id}: stopping: no new runs; the runs in flight finish or go to another worker.`,
    );
    await worker.stop();
    io.out(`baton worker ${worker.id}: stopped.`);
    return 0;
  } finally {
    process.off('SIGTERM', stop);
    await store.close();
  }
}

function report(event: WorkerEvent, io: CliIo): void {
  switch (event.type) {
    case 'run.taken':
      io.out(`→ ${event.runId} (${event.flow}) taken`);
      break;
    case 'run.left':
      io.out(`← ${event.runId} (${event.flow}) ${event.status}`);
      break;
    case 'run.skipped':
      io.out(`· ${event.runId} (${event.flow}) nothing to do: ${event.why}`);
      break;
    case 'run.released':
      io.out(`↷ ${event.runId} (${event.flow}) released: another worker goes on with it`);
      break;
    case 'run.failed':
      io.err(
        `baton worker: ${event.runId} (${event.flow}) failed, to be tried again: ${event.error.code}: ${event.error.message}`,
      );
      break;
    case 'error':
      io.err(`baton worker: ${event.error.code}: ${event.error.message}`);
      break;
  }
}
