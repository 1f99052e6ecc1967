import { parseArgs } from 'node:util';
import { checkCommand } from './check-command.js';
import { CliError, exitCodeOf, misuseLine } from './exit-codes.js';
import type { CliIo } from './io.js';
import { runCommand } from './run-command.js';

const EXITS = `A misuse prints one line, "baton: <code>: <message>", and exits with:
  64  the command line is wrong (unknown command or flag, missing or extra argument, bad --model)
  65  a file it names is not what it must be (--input not JSON, a module that throws or has no flow)
  66  a file it names does not exist, cannot be read, or is a folder
  69  a package the command needs is not installed (tsx for a TypeScript module, the SDK of --model)
  70  a defect in Baton (internal_error): please report it`;

/** Each command's help, printed by `baton <command> --help`: what it does and every flag it takes. */
const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: `Usage: baton run <flow module or folder> [options]

Runs a flow and prints each step (agent, decision, tokens) and the result. A folder runs its flow.ts
(or flow.js), or else the one module in it that exports a flow. A TypeScript module needs tsx
(npm install --save-dev tsx); a JavaScript module needs nothing.

Options:
  --input <file|JSON>   The flow input: a JSON file or inline JSON
                        (default: the module's sampleInput export)
  --model <name>        The model for every agent (default: $BATON_MODEL, else scripted):
                          scripted                 each agent's own model
                          openai:<model>           OpenAI Responses API, key from OPENAI_API_KEY
                          openai-chat:<model>      Chat Completions, for OpenAI-compatible servers
                                                   (Ollama, vLLM, LM Studio, llama.cpp) with --base-url
                          anthropic:<model>        Anthropic Messages API, key from ANTHROPIC_API_KEY
                          replay:<cassette>        serves a recorded run, offline
  --base-url <url>      Send model calls to this OpenAI- or Anthropic-compatible server
                        (no key needed for a local server)
  --record <file>       Write every model call and reply to a cassette (keys redacted)
  --flow <id>           Which flow, when the module exports several
  --json                Print the whole result as JSON instead of each step
  -h, --help            Show this help

Exits 0 on done, 1 on failed, 2 on escalated, 3 on cancelled (Ctrl-C cancels the run).

Examples:
  baton run examples/support
  baton run flow.ts --input ticket.json --model openai:gpt-5-mini
  baton run flow.ts --model openai-chat:llama3.1 --base-url http://127.0.0.1:11434/v1

${EXITS}`,
  check: `Usage: baton check <module or folder...> [options]

Checks every flow (and Baton machine) the modules export, or the modules in the folders and their
subfolders: termination, reachability, exits, contracts along every edge, roles, handoff chains and
provider fit. Prints each diagnostic with its fix. Exits 0 when no flow has an error, 1 otherwise.

Options:
  --json                Print the reports as JSON
  -h, --help            Show this help

Examples:
  baton check examples/support/flow.ts
  baton check src/flows

${EXITS}`,
};

const USAGE = `Usage:
  baton run <flow module or folder> [--input <file or JSON>] [--model <name>] [--base-url <url>]
            [--record <file>] [--flow <id>] [--json]
  baton check <module or folder...> [--json]
  baton <command> --help

Commands:
  run     Runs a flow and prints each step (agent, decision, tokens) and the result.
          Exits 0 on done, 1 on failed, 2 on escalated, 3 on cancelled.
  check   Checks every flow the modules export: termination, reachability, exits, contracts,
          roles, handoff chains, provider fit. Exits 1 on any error.

${EXITS}`;

const HELP = 'Run `baton --help` for usage, or `baton <command> --help` for a command.';

/** The options each command takes; any other is a misuse. */
export const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
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

function usage(message: string, command?: string): CliError {
  const help = command === undefined ? HELP : `Run \`baton ${command} --help\` for its usage.`;
  return new CliError('usage', 'invalid_argument', `${message} ${help}`);
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help) {
    io.out((command !== undefined && COMMAND_HELP[command]) || USAGE);
    return 0;
  }
  if (command === undefined)
    throw usage('No command given: use `baton run <flow module>` or `baton check <module...>`.');
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed)
    throw usage(`Unknown command "${command}": the commands are ${Object.keys(COMMAND_HELP).join(' and ')}.`);
  const stray = Object.keys(values).filter((option) => !allowed.includes(option));
  if (stray.length > 0) {
    throw usage(
      `${stray.map((option) => `--${option}`).join(', ')} ${stray.length === 1 ? 'does' : 'do'} not apply to baton ${command}.`,
      command,
    );
  }
  if (command === 'run') {
    if (rest.length !== 1) {
      throw usage(
        `baton run takes one flow module or folder, got ${rest.length}${rest.length > 1 ? ` (${rest.join(', ')})` : ''}.`,
        'run',
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
  if (rest.length === 0) throw usage('baton check takes at least one module or folder.', 'check');
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
