import { parseArgs } from 'node:util';
import { checkCommand } from './check-command.js';
import { CliError, exitCodeOf, misuseLine } from './exit-codes.js';
import type { CliIo } from './io.js';
import { runCommand } from './run-command.js';

const USAGE = `Usage:
  baton run <flow module> [--input <file or JSON>] [--model <name>] [--flow <id>] [--json]
  baton check <module or folder...> [--json]

Commands:
  run     Runs a flow and prints each step (agent, decision, tokens) and the result.
          Exits 0 on done, 1 on failed, 2 on escalated, 3 on cancelled.
  check   Checks every flow the modules export: termination, reachability, exits, contracts,
          roles, handoff chains, provider fit. Exits 1 on any error.

Options:
  --input <file|JSON>   The flow input (default: the module's sampleInput export)
  --model <name>        scripted (the agents' own models), openai:<model>, openai-chat:<model>,
                        anthropic:<model> or replay:<cassette>; default: $BATON_MODEL, else scripted
  --base-url <url>      Send model calls to this OpenAI- or Anthropic-compatible server
  --record <file>       Write every model call and reply to a cassette (keys redacted)
  --flow <id>           Which flow, when the module exports several
  --json                Print the whole result as JSON
  -h, --help            Show this help

A misuse prints one line, "baton: <code>: <message>", and exits with:
  64  the command line is wrong (unknown command or flag, missing or extra argument, bad --model)
  65  a file it names is not what it must be (--input not JSON, a module that throws or has no flow)
  66  a file it names does not exist, cannot be read, or is a folder
  69  a package the command needs is not installed
  70  a defect in Baton (internal_error): please report it`;

const HELP = 'Run `baton --help` for usage.';

/** The options each command takes; any other is a misuse. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  run: ['input', 'flow', 'model', 'base-url', 'record', 'json', 'help'],
  check: ['json', 'help'],
};

/**
 * Runs the `baton` command line with `argv` (without node and script) and returns the exit code. It never
 * throws: a misuse prints `baton: <code>: <message>` to `io.err` and returns its code from `MISUSE_EXIT`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.err(misuseLine(error));
    return exitCodeOf(error);
  }
}

function usage(message: string): CliError {
  return new CliError('usage', 'invalid_argument', `${message} ${HELP}`);
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (command === undefined)
    throw usage('No command given: use `baton run <flow module>` or `baton check <module...>`.');
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed) throw usage(`Unknown command "${command}": the commands are run and check.`);
  const stray = Object.keys(values).filter((option) => !allowed.includes(option));
  if (stray.length > 0) {
    throw usage(
      `${stray.map((option) => `--${option}`).join(', ')} ${stray.length === 1 ? 'does' : 'do'} not apply to baton ${command}.`,
    );
  }
  if (command === 'run') {
    if (rest.length !== 1) {
      throw usage(
        `baton run takes one flow module, got ${rest.length}${rest.length > 1 ? ` (${rest.join(', ')})` : ''}.`,
      );
    }
    return await runCommand(
      {
        module: rest[0]!,
        input: values.input,
        flow: values.flow,
        json: values.json,
        model: values.model,
        baseURL: values['base-url'],
        record: values.record,
      },
      io,
    );
  }
  if (rest.length === 0) throw usage('baton check takes at least one module or folder.');
  return await checkCommand({ modules: rest, json: values.json }, io);
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
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says what is wrong (an unknown option, a missing value) in a sentence of its own.
    const message = error instanceof Error ? error.message : String(error);
    throw usage(/[.!?]$/.test(message) ? message : `${message}.`);
  }
}
