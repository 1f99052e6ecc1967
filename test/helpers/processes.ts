// A TypeScript file of the project run with tsx in a process of its own, from the project folder (so it
// imports the sources), with what it prints collected.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** How a process ended, and what it printed. */
export interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** A process running a file of the project; `ended` settles once it has exited and its output is read. */
export interface TsxProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly ended: Promise<Ended>;
}

/** `env` over this process's, a `timeout` in ms, and `onOut` told the stdout so far after each chunk. */
export interface TsxOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly timeout?: number;
  readonly onOut?: (out: string) => void;
}

/** Runs `file` (a path from the project folder) with `args` under tsx in a process of its own. */
export function tsxProcess(file: string, args: readonly string[], options: TsxOptions = {}): TsxProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, file), ...args], {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    options.onOut?.(out);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const ended = new Promise<Ended>((done) => {
    child.on('close', (code, signal) => done({ code, signal, out, err }));
  });
  return { child, ended };
}
