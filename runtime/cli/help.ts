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
const STEPS = `  --jsonl               Print each event as one JSON line as it happens, then the result as a last
                        line {"type":"result", ...} (JSON Lines, for machines)
  -q, --quiet           Print no steps, only the result`;
const OUTCOMES =
  'Exits 0 on done, 1 on failed, 2 on escalated, 3 on cancelled (Ctrl-C cancels the run), 4 when the run\nwaits for a person (awaiting_human: answer it with baton answer).';
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

Runs a flow and prints each step (agent, decision, tokens, time) and the result. A folder runs its flow.ts
(or flow.js), or else the one module in it that exports a flow. A TypeScript module needs tsx
(npm install --save-dev tsx); a JavaScript module needs nothing. On a terminal a live line shows the
step in flight (agent, model turn or tool, tokens, time); elsewhere every event is a plain line.

The run is kept in a SQLite database, .baton/runs.db under the current folder (made when missing), and
its id printed last ("run <id> stored in <path>", on stderr with --json and --jsonl), for baton show,
resume and cancel. Keeping runs needs libsql (npm install libsql): without it, and with no --db or
BATON_DB, the run goes on unkept and one line on stderr says so.

Options:
  --input <file|JSON>   The flow input: a JSON file or inline JSON
                        (default: the module's sampleInput export)
${MODEL}
  --record <file>       Write every model call and reply to a cassette (keys redacted)
  --flow <id>           Which flow, when the module exports several
${DB}
  --no-store            Keep nothing: run in memory only
  --json                Print the whole result as JSON instead of each step
${STEPS}
  --inspect             Show the run in the Stately inspector: serves a page on 127.0.0.1, prints its
                        address on stderr, and keeps it after the run until Ctrl-C
                        (needs npm install --save-dev @statelyai/inspect)
  --inspect-port <n>    The port of that page (default: a free one)
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
${STEPS}
${HELP}

${OUTCOMES}

Examples:
  baton resume examples/support run-3f2a9c
  baton resume flow.ts run-3f2a9c --model openai:gpt-5-mini

${EXITS}`,
  answer: `Usage: baton answer <flow module or folder> <run> <answer> [options]

Answers the question a stored run waits on (status awaiting_human: an agent asked, or a tool call needs
approval) and goes on with the run in this process, printing each step and the result as baton run does.
The answer is inline JSON, a JSON file, or plain text for an agent's question. An approval is
{"approved": true} or {"approved": false, "reason": "why"}. An answer that does not fit the question's
schema is refused (invalid_answer) and changes nothing; the first answer wins, and a second to the same
question is refused (already_answered) with the answer that won. baton show <run> shows the question.

With --enqueue and a Postgres store (--db or BATON_DB a postgres:// URL), the answer is committed and
the run's job sent to the workers (baton worker) in one transaction: a worker goes on with the run, and
nothing the answer leads to (a model call, the approved tool) runs in this process.

Options:
  --question <id>       The id of the question answered (q3): refuses the answer if the run has moved on
  --flow <id>           Which flow, when the module exports several (default: the run's own)
${MODEL}
${DB}
  --enqueue             Hand the run to the workers of the Postgres store instead of going on with it
                        here (not with --model or --base-url: the workers call their own models)
  --json                Print the whole result as JSON instead of each step
${HELP}

Examples:
  baton answer examples/support run-3f2a9c "The serial number is SN-1234."
  baton answer examples/support run-3f2a9c '{"approved": true}' --question q2
  baton answer examples/support run-3f2a9c '{"approved": true}' --db "$DATABASE_URL" --enqueue

${OUTCOMES}
With --enqueue, exits 0 once the run is handed to the workers (baton show <run> follows it), or as
baton run does when the answer ended the run at once.

${EXITS}`,
  chat: `Usage: baton chat <flow module or folder> [options]

Runs a flow as a conversation at the terminal. Each question an agent asks (its reply to you) is printed
as "<agent>> …", and the next line you type is its answer; the run goes on until the flow ends. For a
tool call that needs approval, type y to approve, or a reason to reject it. When the flow's input is one
text field (such as {message}), the first line you type is it. At the end of the input (Ctrl-D) the run
waits in the run database for baton answer.

Options:
  --input <file|JSON>   The flow input (default: the first line you type, or the module's sampleInput)
  --flow <id>           Which flow, when the module exports several
${MODEL}
${DB}
  --no-store            Keep nothing: the conversation lives in this process only
${HELP}

Examples:
  baton chat examples/customer-service
  printf 'Can I change my seat?\\nABC123\\n23A\\nno, thanks\\n' | baton chat examples/customer-service

${OUTCOMES}

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
  graph: `Usage: baton graph <flow module or folder> [options]

Draws a flow from its definition: its agents (model, budget, tools), the start, each route labelled
with the contract of its payload, the finishes, the final states and the flow's limits. Prints Mermaid
(a stateDiagram-v2) unless told otherwise; the SVG is standalone and laid out by dagre.

Options:
  --format <f>          mermaid (the default), svg or json (the graph as data)
  --out <file|folder>   Write to a file (its extension names the format when --format does not:
                        .mmd, .svg, .json), or to a folder: <flow>.mmd and <flow>.svg of every flow
                        of the module, or only the --format one
  --flow <id>           Which flow, when the module exports several
${HELP}

Examples:
  baton graph examples/support
  baton graph examples/support/flow.ts --out docs/support.svg
  baton graph src/flows.ts --out diagrams/

${EXITS}`,
  report: `Usage: baton report [<run>] [<flow module>] [options]

Writes a self-contained HTML report: one page, no script, nothing fetched when it is opened.

Of one run (a run id in the run database, or a trace file: the JSON that baton run --json prints): how
it ended (reason code, MAST failure mode, the agent and step), its usage, the flow's diagram with the
path taken highlighted, a timeline of its steps (agent, duration, tokens, cost, decision), each handoff
payload, and every repair and rejection with its violations. Give the flow module for a diagram with
contracts and budgets; without it the diagram shows what the run's events tell.

Of many runs (a folder of trace files, or with no <run> the runs in the database): endings by reason
code and by MAST category and failure mode, tokens and cost per agent, as charts, and a table of runs.

API keys never appear in a report: anything that looks like one, and the values of environment
variables named *_API_KEY, *_TOKEN, *_SECRET or *_PASSWORD, are replaced by [REDACTED].

Options:
  --out <file>          The HTML file (default: baton-report-<run>.html, or baton-report-runs.html)
  --flow <id>           Which flow of the module (default: the run's); for the stored runs, only
                        runs of this flow
  --limit <n>           For the stored runs: at most this many, newest first (default 100)
${DB}
${HELP}

Examples:
  baton report run-3f2a9c examples/support
  baton run examples/support --json > traces/t-1042.json && baton report traces/t-1042.json
  baton report traces/
  baton report --flow support --limit 50 --out support-runs.html

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
  worker: `Usage: baton worker <flow module or folder...> --db postgres://... [options]

Advances queued runs of the flows the modules export, taken from a pg-boss queue in the Postgres
database (enqueueRun from baton-flow/postgres puts them there), until SIGTERM or Ctrl-C. Start as many
workers, on as many machines, as the runs need: each run is advanced by one at a time (a lease and
fenced commits), a dead worker's runs are taken over by the others once its lease expires (30 s), and
a cancel reaches the worker holding the run at once. On SIGTERM it takes no new runs, lets those in
flight finish for 10 s, and hands the rest to other workers. Needs pg and pg-boss (npm install pg
pg-boss@10).

Options:
  --db <url>            The Postgres database (default: $BATON_DB when it is a postgres:// URL);
                        ?schema=<name> in the URL picks the schema of Baton's tables (default baton)
  --concurrency <n>     How many runs it advances at once (default 4)
${HELP}

Examples:
  baton worker examples/support --db postgres://baton@127.0.0.1:5432/baton
  baton worker src/flows.ts --db "$DATABASE_URL" --concurrency 16
  baton worker src/flows.ts --db "postgres://baton@db.internal/app?schema=support"

${EXITS}`,
};

/** The general help, printed by `baton --help`. */
export const USAGE = `Usage:
  baton run <flow module or folder> [--input <file or JSON>] [--model <name>] [--base-url <url>]
            [--record <file>] [--flow <id>] [--db <path> | --no-store] [--json | --jsonl | --quiet]
            [--inspect [--inspect-port <n>]]
  baton check <module or folder...> [--json]
  baton runs [--status <s>[,<s>]] [--flow <id>] [--limit <n>] [--db <path>] [--json]
  baton show <run> [--db <path>] [--json]
  baton resume <flow module or folder> <run> [--flow <id>] [--model <name>] [--base-url <url>]
               [--db <path>] [--json | --jsonl | --quiet]
  baton answer <flow module or folder> <run> <answer> [--question <id>] [--flow <id>] [--model <name>]
               [--db <path>] [--enqueue] [--json]
  baton chat <flow module or folder> [--input <file or JSON>] [--flow <id>] [--model <name>]
             [--db <path> | --no-store]
  baton cancel <run> [--db <path>]
  baton graph <flow module or folder> [--format mermaid|svg|json] [--out <file|folder>] [--flow <id>]
  baton report [<run | trace.json | folder>] [<flow module>] [--out <file>] [--flow <id>]
               [--limit <n>] [--db <path>]
  baton gc --older-than <30d|12h|90m> [--db <path>]
  baton worker <flow module or folder...> --db postgres://... [--concurrency <n>]
  baton <command> --help

Commands:
  run     Runs a flow and prints each step (agent, decision, tokens) and the result.
          Exits 0 on done, 1 on failed, 2 on escalated, 3 on cancelled, 4 awaiting a person.
  check   Checks every flow the modules export: termination, reachability, exits, contracts,
          roles, handoff chains, provider fit. Exits 1 on any error.
  runs    Lists the stored runs, newest first.
  show    Shows a stored run: status, agent, usage, path, how it ended, and its events.
  resume  Continues a stored run to its end. Exits as baton run does.
  answer  Answers the question a stored run waits on and continues it. Exits as baton run does.
          With --enqueue, hands the run to the workers of a Postgres store instead (exit 0).
  chat    Runs a flow as a conversation: each question an agent asks, you answer at the prompt.
  cancel  Cancels a stored run that has not ended.
  graph   Draws a flow: Mermaid, SVG or JSON.
  report  Writes an HTML report of a run, or of many runs.
  gc      Deletes the finished runs older than a duration.
  worker  Advances queued runs from a Postgres database, until SIGTERM or Ctrl-C.

Runs are kept in .baton/runs.db under the current folder; --db <path> or BATON_DB name another
database, and baton run --no-store keeps nothing. Keeping runs needs libsql: npm install libsql.

${EXITS}`;
