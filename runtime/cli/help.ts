// The help `baton` prints: the general usage, and each command's own with every flag it takes.

/** The exit codes of a misuse, listed at the end of every help. */
const EXITS = `A misuse prints one line, "baton: <code>: <message>", and exits with:
  64  the command line is wrong (unknown command or flag, missing or extra argument, bad --model,
      --status, --limit or --older-than)
  65  a file or run it names is not what it must be (--input not JSON, a module that throws or has no
      flow; run_finished: the run has ended; snapshot_incompatible: another version of the flow stored it)
  66  a file or run it names does not exist (a missing file or run database; run_not_found)
  69  a package the command needs is not installed (tsx for a TypeScript module, the SDK of --model,
      libsql for a run database named by --db or BATON_DB)
  70  a defect in Baton (internal_error): please report it
  74  the run database failed (store_error): not a Baton database, a full or read-only disk
  75  another process is advancing the run (lease_held, store_conflict): try again when its lease expires`;

const DB = `  --db <path>           The run database (default: $BATON_DB, else .baton/runs.db)`;
const HELP = `  -h, --help            Show this help`;
const OUTCOMES = 'Exits 0 on done, 1 on failed, 2 on escalated, 3 on cancelled (Ctrl-C cancels the run).';
const MODEL = `  --model <name>        The model for every agent (default: $BATON_MODEL, else scripted):
                          scripted                 each agent's own model
                          openai:<model>           OpenAI Responses API, key from OPENAI_API_KEY
                          openai-chat:<model>      Chat Completions, for OpenAI-compatible servers
                                                   (Ollama, vLLM, LM Studio, llama.cpp) with --base-url
                          anthropic:<model>        Anthropic Messages API, key from ANTHROPIC_API_KEY
                          replay:<cassette>        serves a recorded run, offline
  --base-url <url>      Send model calls to this OpenAI- or Anthropic-compatible server
                        (no key needed for a local server)`;

/** Each command's help, printed by `baton <command> --help`: what it does and every flag it takes. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: `Usage: baton run <flow module or folder> [options]

Runs a flow and prints each step (agent, decision, tokens) and the result. A folder runs its flow.ts
(or flow.js), or else the one module in it that exports a flow. A TypeScript module needs tsx
(npm install --save-dev tsx); a JavaScript module needs nothing.

The run is kept in a SQLite database, .baton/runs.db under the current folder (made when missing), and
its id printed last ("run <id> stored in <path>", on stderr with --json), for baton show, resume and
cancel. Keeping runs needs libsql (npm install libsql): without it, and with no --db or BATON_DB, the
run goes on unkept and one line on stderr says so.

Options:
  --input <file|JSON>   The flow input: a JSON file or inline JSON
                        (default: the module's sampleInput export)
${MODEL}
  --record <file>       Write every model call and reply to a cassette (keys redacted)
  --flow <id>           Which flow, when the module exports several
${DB}
  --no-store            Keep nothing: run in memory only
  --json                Print the whole result as JSON instead of each step
${HELP}

${OUTCOMES}

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
${HELP}

Examples:
  baton check examples/support/flow.ts
  baton check src/flows

${EXITS}`,
  runs: `Usage: baton runs [options]

Lists the stored runs, newest first: id, flow, status, the agent it is in (or ended in), tokens (in +
out), cost, and how long ago it last changed.

Options:
  --status <s>[,<s>]    Only runs with these statuses, comma-separated: running, awaiting_human,
                        done, escalated, failed, cancelled
  --flow <id>           Only runs of this flow
  --limit <n>           At most this many runs, a whole number from 1 (default 100)
${DB}
  --json                Print the runs as JSON
${HELP}

Examples:
  baton runs
  baton runs --status failed,escalated --flow support --limit 20

${EXITS}`,
  show: `Usage: baton show <run> [options]

Shows a stored run: its flow, status, agent, usage and path; how it ended (the output, or the reason
when it did not end done); whether a process advances it; and its events, as baton run prints its steps.

Options:
${DB}
  --json                Print the run, its path, ending and events as JSON
${HELP}

Examples:
  baton show run-3f2a9c
  baton show run-3f2a9c --db /var/lib/baton/runs.db --json

${EXITS}`,
  resume: `Usage: baton resume <flow module or folder> <run> [options]

Continues a stored run from its last commit to its end with the flow the module exports, and prints each
step and the result as baton run does. The model replies and tool results the run had kept are replayed,
not paid for again. A run that another process advances is refused (lease_held) until that process's
lease expires, 30 s after it last renewed it.

Options:
  --flow <id>           Which flow, when the module exports several (default: the run's own)
${MODEL}
${DB}
  --json                Print the whole result as JSON instead of each step
${HELP}

${OUTCOMES}

Examples:
  baton resume examples/support run-3f2a9c
  baton resume flow.ts run-3f2a9c --model openai:gpt-5-mini

${EXITS}`,
  cancel: `Usage: baton cancel <run> [options]

Cancels a stored run that has not ended. The process advancing it ends it cancelled at its next lease
renewal; a run that no process advances ends cancelled when it is next resumed.

Options:
${DB}
${HELP}

Examples:
  baton cancel run-3f2a9c

${EXITS}`,
  gc: `Usage: baton gc --older-than <duration> [options]

Deletes the finished runs (done, escalated, failed, cancelled) last updated longer ago than the
duration, with their events, and says how many. Runs that have not ended are kept.

Options:
  --older-than <duration>  A whole number and a unit: d (days), h (hours) or m (minutes)
${DB}
${HELP}

Examples:
  baton gc --older-than 30d
  baton gc --older-than 12h --db /var/lib/baton/runs.db

${EXITS}`,
};

/** The general help, printed by `baton --help`. */
export const USAGE = `Usage:
  baton run <flow module or folder> [--input <file or JSON>] [--model <name>] [--base-url <url>]
            [--record <file>] [--flow <id>] [--db <path> | --no-store] [--json]
  baton check <module or folder...> [--json]
  baton runs [--status <s>[,<s>]] [--flow <id>] [--limit <n>] [--db <path>] [--json]
  baton show <run> [--db <path>] [--json]
  baton resume <flow module or folder> <run> [--flow <id>] [--model <name>] [--base-url <url>]
               [--db <path>] [--json]
  baton cancel <run> [--db <path>]
  baton gc --older-than <30d|12h|90m> [--db <path>]
  baton <command> --help

Commands:
  run     Runs a flow and prints each step (agent, decision, tokens) and the result.
          Exits 0 on done, 1 on failed, 2 on escalated, 3 on cancelled.
  check   Checks every flow the modules export: termination, reachability, exits, contracts,
          roles, handoff chains, provider fit. Exits 1 on any error.
  runs    Lists the stored runs, newest first.
  show    Shows a stored run: status, agent, usage, path, how it ended, and its events.
  resume  Continues a stored run to its end. Exits as baton run does.
  cancel  Cancels a stored run that has not ended.
  gc      Deletes the finished runs older than a duration.

Runs are kept in .baton/runs.db under the current folder; --db <path> or BATON_DB name another
database, and baton run --no-store keeps nothing. Keeping runs needs libsql: npm install libsql.

${EXITS}`;
