import { parseArgs } from 'node:util';
import { describeThrown } from '../../contracts/errors.js';
import { answerCommand } from './answer-command.js';
import { cancelCommand } from './cancel-command.js';
import { chatCommand } from './chat-command.js';
import { checkCommand } from './check-command.js';
import { CliError, exitCodeOf, misuseLine } from './exit-codes.js';
import { gcCommand } from './gc-command.js';
import { graphCommand } from './graph-command.js';
import { COMMAND_HELP, USAGE } from './help.js';
import type { CliIo } from './io.js';
import { reportCommand } from './report-command.js';
import { resumeCommand } from './resume-command.js';
import { runCommand } from './run-command.js';
import { runsCommand } from './runs-command.js';
import { showCommand } from './show-command.js';
import { workerCommand } from './worker-command.js';

const HELP = 'Run `baton --help` for usage, or `baton <command> --help` for a command.';

/** What the command line gave, parsed. */
type Values = ReturnType<typeof parse>['values'];

/** One command: the options it takes, the arguments it takes, and what it does with them. */
interface Command {
  readonly options: readonly string[];
  /** How many arguments it takes, and what they are, for the message when they are wrong. */
  readonly takes: { readonly min: number; readonly max: number; readonly what: string };
  readonly run: (args: readonly string[], values: Values, io: CliIo) => Promise<number>;
}

const one = (what: string) => ({ min: 1, max: 1, what: `one ${what}` });

/** Every command, in the order the help lists them. */
const COMMANDS: Readonly<Record<string, Command>> = {
  run: {
    options: [
      'input',
      'flow',
      'model',
      'base-url',
      'record',
      'db',
      'no-store',
      'json',
      'jsonl',
      'quiet',
      'inspect',
      'inspect-port',
      'help',
    ],
    takes: one('flow module or folder'),
    run: ([module], v, io) =>
      runCommand(
        {
          module: module!,
          input: v.input,
          flow: v.flow,
          json: v.json,
          model: v.model,
          baseURL: v['base-url'],
          record: v.record,
          db: v.db,
          noStore: v['no-store'],
          jsonl: v.jsonl,
          quiet: v.quiet,
          inspect: v.inspect,
          inspectPort: v['inspect-port'],
        },
        io,
      ),
  },
  check: {
    options: ['json', 'help'],
    takes: { min: 1, max: Number.POSITIVE_INFINITY, what: 'at least one module or folder' },
    run: (modules, v, io) => checkCommand({ modules, json: v.json }, io),
  },
  runs: {
    options: ['status', 'flow', 'limit', 'db', 'json', 'help'],
    takes: { min: 0, max: 0, what: 'no argument' },
    run: (_, v, io) =>
      runsCommand({ status: v.status, flow: v.flow, limit: v.limit, db: v.db, json: v.json }, io),
  },
  show: {
    options: ['db', 'json', 'help'],
    takes: one('run id'),
    run: ([run], v, io) => showCommand({ run: run!, db: v.db, json: v.json }, io),
  },
  resume: {
    options: ['flow', 'model', 'base-url', 'db', 'json', 'jsonl', 'quiet', 'help'],
    takes: { min: 2, max: 2, what: 'a flow module or folder and a run id' },
    run: ([module, run], v, io) =>
      resumeCommand(
        {
          module: module!,
          run: run!,
          flow: v.flow,
          model: v.model,
          baseURL: v['base-url'],
          db: v.db,
          json: v.json,
          jsonl: v.jsonl,
          quiet: v.quiet,
        },
        io,
      ),
  },
  answer: {
    options: ['question', 'flow', 'model', 'base-url', 'db', 'enqueue', 'json', 'help'],
    takes: { min: 3, max: 3, what: 'a flow module or folder, a run id and the answer' },
    run: ([module, run, answer], v, io) =>
      answerCommand(
        {
          module: module!,
          run: run!,
          answer: answer!,
          question: v.question,
          flow: v.flow,
          model: v.model,
          baseURL: v['base-url'],
          db: v.db,
          json: v.json,
          enqueue: v.enqueue,
        },
        io,
      ),
  },
  chat: {
    options: ['input', 'flow', 'model', 'base-url', 'db', 'no-store', 'help'],
    takes: one('flow module or folder'),
    run: ([module], v, io) =>
      chatCommand(
        {
          module: module!,
          input: v.input,
          flow: v.flow,
          model: v.model,
          baseURL: v['base-url'],
          db: v.db,
          noStore: v['no-store'],
        },
        io,
      ),
  },
  cancel: {
    options: ['db', 'help'],
    takes: one('run id'),
    run: ([run], v, io) => cancelCommand({ run: run!, db: v.db }, io),
  },
  graph: {
    options: ['flow', 'format', 'out', 'help'],
    takes: one('flow module or folder'),
    run: ([module], v, io) =>
      graphCommand({ module: module!, flow: v.flow, format: v.format, out: v.out }, io),
  },
  report: {
    options: ['flow', 'limit', 'out', 'db', 'help'],
    takes: {
      min: 0,
      max: 2,
      what: 'a run id, trace file or folder of traces, and optionally the flow module',
    },
    run: ([run, module], v, io) =>
      reportCommand({ run, module, flow: v.flow, limit: v.limit, out: v.out, db: v.db }, io),
  },
  gc: {
    options: ['older-than', 'db', 'help'],
    takes: { min: 0, max: 0, what: 'no argument' },
    run: (_, v, io) => gcCommand({ olderThan: v['older-than'], db: v.db }, io),
  },
  worker: {
    options: ['db', 'concurrency', 'help'],
    takes: { min: 1, max: Number.POSITIVE_INFINITY, what: 'at least one flow module or folder' },
    run: (modules, v, io) => workerCommand({ modules, db: v.db, concurrency: v.concurrency }, io),
  },
};

/** The options each command takes; any other is a misuse. */
export const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(COMMANDS).map(([name, command]) => [name, command.options]),
);

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.err(misuseLine(error));
    return exitCodeOf(error);
  }
}

function usage(message: string, command?: string): CliError {
  const help = command === undefined ? HELP : `Run \`baton ${command} --help\` for its usage.`;
  return new CliError('usage', 'invalid_argument', `${message} ${help}`);
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  const [name, ...args] = positionals;
  if (values.help) {
    io.out((name !== undefined && Object.hasOwn(COMMAND_HELP, name) && COMMAND_HELP[name]) || USAGE);
    return 0;
  }
  if (name === undefined)
    throw usage('No command given: use `baton run <flow module>` or `baton check <module...>`.');
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const names = Object.keys(COMMANDS);
    throw usage(
      `Unknown command "${name}": the commands are ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`,
    );
  }
  const stray = Object.keys(values).filter((option) => !command.options.includes(option));
  if (stray.length > 0) {
    throw usage(
      `${stray.map((option) => `--${option}`).join(', ')} ${stray.length === 1 ? 'does' : 'do'} not apply to baton ${name}.`,
      name,
    );
  }
  const { min, max, what } = command.takes;
  if (args.length < min || args.length > max) {
    throw usage(
      `baton ${name} takes ${what}, got ${args.length}${args.length > 0 ? ` (${args.join(', ')})` : ''}.`,
      name,
    );
  }
  return await command.run(args, values, io);
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        input: { type: 'string' },
        flow: { type: 'string' },
        model: { type: 'string' },
        'base-url': { type: 'string' },
        record: { type: 'string' },
        db: { type: 'string' },
        'no-store': { type: 'boolean' },
        status: { type: 'string' },
        limit: { type: 'string' },
        'older-than': { type: 'string' },
        concurrency: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        question: { type: 'string' },
        enqueue: { type: 'boolean' },
        json: { type: 'boolean' },
        jsonl: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        inspect: { type: 'boolean' },
        'inspect-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says what is wrong (an unknown option, a missing value) in a sentence of its own.
    const message = describeThrown(error);
    throw usage(/[.!?]$/.test(message) ? message : `${message}.`);
  }
}
