import { afterEach, beforeEach, expect } from 'vitest';

// A test that writes to the console fails: library code must never log, and tests stay quiet.
const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let written: string[] = [];
const originals = new Map<string, (...args: unknown[]) => void>();

beforeEach(() => {
  written = [];
  for (const method of methods) {
    originals.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      written.push(`console.${method}: ${args.map(String).join(' ')}`);
    };
  }
});

afterEach(() => {
  for (const method of methods) console[method] = originals.get(method) as (typeof console)[typeof method];
  expect(written, 'the test wrote to the console').toEqual([]);
});
