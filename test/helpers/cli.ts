// The `baton` CLI as the tests run it: in-process with its output captured, or in a process of its own as
// a person at a terminal runs it.
import type { CliIo } from '../../runtime/cli/io.js';
import { main } from '../../runtime/cli/main.js';
import { type TsxOptions, type TsxProcess, tsxProcess } from './processes.js';

/** An io for the CLI's `main` in `cwd` with `env`, keeping the lines it writes; `more` sets other members. */
export function cliIo(cwd: string, env: Record<string, string> = {}, more: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    env,
    out: (line: string) => out.push(line),
    err: (line: string) => err.push(line),
    onInterrupt: () => undefined,
    ...more,
  };
  return { io, out, err };
}

/** Runs `baton` in-process in `cwd` with `env`: its exit code, stdout as one text, and the stderr lines. */
export async function runBaton(argv: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const { io, out, err } = cliIo(cwd, env);
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err };
}

/** Runs `baton` in a process of its own, from the project folder (so a flow module imports the sources). */
export function spawnBaton(argv: readonly string[], options: TsxOptions = {}): TsxProcess {
  return tsxProcess('runtime/cli/bin.ts', argv, options);
}

/** The id of the run `baton run` stored, from the line it ends with. */
export function storedId(text: string): string {
  const id = /^run (\S+) stored in /m.exec(text)?.[1];
  if (!id) throw new Error(`no run id in:\n${text}`);
  return id;
}
