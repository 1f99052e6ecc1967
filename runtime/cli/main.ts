import { parseArgs } from 'node:util';
import { isBatonError } from '../../contracts/errors.js';
import { checkCommand } from './check-command.js';
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
  -h, --help            Show this help`;

/** Exit code for a usage error. */
export const USAGE_EXIT = 64;

/** Runs the `baton` command line with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return USAGE_EXIT;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : USAGE_EXIT;
  }
  try {
    if (command === 'run') {
      if (rest.length !== 1) {
        io.err(`baton run takes one flow module, got ${rest.length}.\n\n${USAGE}`);
        return USAGE_EXIT;
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
    if (command === 'check') {
      if (rest.length === 0) {
        io.err(`baton check takes at least one module.\n\n${USAGE}`);
        return USAGE_EXIT;
      }
      return await checkCommand({ modules: rest, json: values.json }, io);
    }
    io.err(`Unknown command "${command}".\n\n${USAGE}`);
    return USAGE_EXIT;
  } catch (error) {
    if (isBatonError(error)) {
      io.err(`baton: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function parse(argv: readonly string[]) {
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
}
