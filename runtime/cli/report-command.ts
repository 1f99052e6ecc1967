import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { describeThrown, isBatonError } from '../../contracts/errors.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { type RunRecord, toRunRecord } from '../report/run-record.js';
import { runReport } from '../report/run-report.js';
import { runsReport } from '../report/runs-report.js';
import { storedRecord } from '../report/stored-record.js';
import { CliError } from './exit-codes.js';
import { writeOut } from './graph-command.js';
import type { CliIo } from './io.js';
import { loadRunTarget, pickFlow } from './load-flows.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';
import { notStored } from './show-command.js';
import { statOf } from './stat-of.js';

/** Options of `baton report`. */
export interface ReportCommandOptions extends StoreFlags {
  /** A run id in the store, a trace file or a folder of traces; none for the stored runs. */
  readonly run?: string | undefined;
  /** The flow module the run ran, for a diagram with contracts and budgets. */
  readonly module?: string | undefined;
  /** Which flow of the module; and for the stored runs, only runs of this flow. */
  readonly flow?: string | undefined;
  /** For the stored runs: how many at most, as typed (default 100). */
  readonly limit?: string | undefined;
  readonly out?: string | undefined;
}

/** Environment variables whose values are credentials, by name: redacted from every report. */
const SECRET_VARIABLE = /(?:API_?KEY|TOKEN|SECRET|PASSWORD)$/i;

/** The credentials in the environment, to redact wherever they appear. */
function secretsOf(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_VARIABLE.test(name) && value !== undefined && value.length >= 8)
    .map(([, value]) => value!);
}

function shownPath(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** Reads a trace file: the JSON of a `RunResult`. Misuses name the file and what is wrong with it. */
function readTrace(path: string, shown: string): RunRecord {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError('noInput', 'invalid_argument', `Cannot read ${shown}: ${describeThrown(cause)}.`, {
      cause,
      details: { path },
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CliError(
      'data',
      'invalid_argument',
      `${shown} is not JSON (${describeThrown(cause)}). Pass the JSON of a run's result, as \`baton run --json\` prints it.`,
      { cause, details: { path } },
    );
  }
  try {
    return toRunRecord(value, shown);
  } catch (error) {
    if (!isBatonError(error)) throw error;
    throw new CliError('data', 'invalid_argument', error.message, { cause: error, details: error.details });
  }
}

/** The traces in a folder: its `.json` files that are run results; the others are skipped with a line on stderr. */
function readTraceFolder(folder: string, io: CliIo): RunRecord[] {
  const shown = shownPath(folder, io.cwd);
  const files = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();
  const runs: RunRecord[] = [];
  for (const name of files) {
    try {
      runs.push(readTrace(join(folder, name), join(shown, name)));
    } catch (error) {
      if (!isBatonError(error)) throw error;
      io.err(`baton: skipped ${join(shown, name)}: ${error.message.split('. Pass')[0]}.`);
    }
  }
  if (runs.length === 0) {
    throw new CliError(
      'data',
      'invalid_argument',
      `${shown} holds no trace: no .json file in it is a run's result. Save traces with \`baton run --json > ${join(shown, 'run.json')}\`.`,
      { details: { path: folder } },
    );
  }
  return runs;
}

function readLimit(value: string): number {
  const limit = Number(value);
  if (/^\d+$/.test(value.trim()) && limit >= 1) return limit;
  throw new CliError(
    'usage',
    'invalid_argument',
    `--limit "${value}" is not a whole number from 1. Pass how many runs the report covers, e.g. --limit 50.`,
    { details: { limit: value } },
  );
}

async function flowFor(
  options: ReportCommandOptions,
  run: RunRecord,
  io: CliIo,
): Promise<AnyFlow | undefined> {
  if (options.module === undefined) return undefined;
  return pickFlow(await loadRunTarget(options.module, io.cwd), options.flow ?? run.flow);
}

/**
 * `baton report [<run>] [<flow module>]`: a self-contained HTML report of one run (a run id in the store,
 * or a trace file), or of many (a folder of traces, or with no argument the stored runs), written to
 * `--out` (default `baton-report-<run>.html`, or `baton-report-runs.html` for many).
 */
export async function reportCommand(options: ReportCommandOptions, io: CliIo): Promise<number> {
  if (options.out !== undefined && options.out.trim() === '')
    throw new CliError('usage', 'invalid_argument', '--out is empty. Pass the HTML file to write.');
  const redact = secretsOf(io.env);
  const target = options.run === undefined ? undefined : resolve(io.cwd, options.run);
  const stat = target === undefined ? undefined : statOf(target);
  let html: string;
  let name: string;
  if (options.run !== undefined && target !== undefined && stat?.isFile()) {
    const run = readTrace(target, shownPath(target, io.cwd));
    html = runReport(run, { flow: await flowFor(options, run, io), redact });
    name = run.runId;
  } else if (target !== undefined && stat?.isDirectory()) {
    if (options.module !== undefined) throw manyWithModule();
    html = runsReport(readTraceFolder(target, io), { title: `Runs in ${shownPath(target, io.cwd)}`, redact });
    name = 'runs';
  } else if (options.run !== undefined && (/[\\/]/.test(options.run) || /\.json$/i.test(options.run))) {
    throw new CliError(
      'noInput',
      'invalid_argument',
      `No such file or folder: ${target}. Pass a run id, the path of a trace (the JSON \`baton run --json\` prints), or a folder of traces.`,
      { details: { path: target } },
    );
  } else {
    const runId = options.run;
    const limit = options.limit === undefined ? 100 : readLimit(options.limit);
    if (runId === undefined && options.module !== undefined) throw manyWithModule();
    [html, name] = await withRunDatabase(options, io, async ({ store, shown }) => {
      if (runId !== undefined) {
        const stored = await store.get(runId);
        if (!stored) throw notStored(runId, shown);
        const run = await storedRecord(store, stored);
        return [runReport(run, { flow: await flowFor(options, run, io), redact }), run.runId] as const;
      }
      const list = await store.list({ limit, ...(options.flow === undefined ? {} : { flow: options.flow }) });
      if (list.length === 0)
        throw new CliError(
          'noInput',
          'run_not_found',
          `${shown} has no stored run${options.flow === undefined ? '' : ` of flow "${options.flow}"`} to report on. Run a flow with \`baton run\` first.`,
          { details: { db: shown } },
        );
      const runs: RunRecord[] = [];
      for (const stored of list) runs.push(await storedRecord(store, stored));
      return [runsReport(runs, { title: `Runs in ${shown}`, redact }), 'runs'] as const;
    });
  }
  const out = resolve(io.cwd, options.out ?? `baton-report-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.html`);
  writeOut(out, html);
  io.out(`wrote ${shownPath(out, io.cwd)}`);
  return 0;
}

function manyWithModule(): CliError {
  return new CliError(
    'usage',
    'invalid_argument',
    'A flow module draws the diagram of one run: pass a run id or a trace file with it, or leave the module out for a report of many runs.',
  );
}
