#!/usr/bin/env node
import { createInterface } from 'node:readline';
import { main } from './main.js';

/** Lines of the standard input, read one at a time, for `baton chat`; made on the first read. */
function lineReader(): (prompt: string) => Promise<string | null> {
  let lines: AsyncIterator<string> | null = null;
  return async (prompt) => {
    if (process.stdin.isTTY) process.stdout.write(prompt);
    lines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
    const next = await lines.next();
    return next.done ? null : next.value;
  };
}

// A reader that stops early (`baton show run-1 | head`) closes the pipe: that is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  onInterrupt: (handler) => process.once('SIGINT', handler),
  readLine: lineReader(),
  // Live progress only on a terminal that can redraw a line.
  ...(process.stdout.isTTY && process.env.TERM !== 'dumb'
    ? {
        terminal: {
          write: (text: string) => process.stdout.write(text),
          columns: () => process.stdout.columns,
        },
      }
    : {}),
});
process.exitCode = code;
