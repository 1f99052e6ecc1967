#!/usr/bin/env node
import { main } from './main.js';

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
});
process.exitCode = code;
