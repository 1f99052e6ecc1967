import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryProgram, root } from './snippets.js';

// What a user's type check pays for Baton's types, counted in type instantiations (deterministic, unlike
// time). Inferring a schema's type back through TypeBox's `Static` from a callback parameter makes the
// compiler measure the variance of TypeBox's whole `Static` chain: over a million instantiations and
// seconds of checking, once per program. `Infer` is never an inference site, so Baton's API never pays it.

const USER_CODE = `
import Type, { type Static } from 'typebox';
import { defineAgent, defineFlow, defineStep, defineTool, validatorFor } from 'baton-flow';
import { scripted } from 'baton-flow/testing';

const Ticket = Type.Object({ id: Type.String(), body: Type.String() }, { additionalProperties: false });
type Ticket = Static<typeof Ticket>;
const Reply = Type.Object({ ticketId: Type.String(), text: Type.String() }, { additionalProperties: false });

export const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a ticket up.',
  input: Type.Object({ id: Type.String() }, { additionalProperties: false }),
  run: ({ input }) => ({ id: input.id, open: true }),
  needsApproval: (input) => input.id.startsWith('vip'),
});

const triage = defineStep({
  name: 'triage',
  description: 'Copies the ticket.',
  input: Ticket,
  output: Ticket,
  run: ({ input }): Ticket => ({ id: input.id, body: input.body }),
});

const writer = defineAgent({
  name: 'writer',
  description: 'Answers the ticket.',
  input: Ticket,
  output: Reply,
  instructions: 'Answer the ticket.',
  model: scripted([]),
  tools: [lookup],
});

export const flow = defineFlow({
  id: 'cost',
  input: Ticket,
  output: Reply,
  start: 'triage',
  agents: [triage, writer],
  routes: { triage: ['writer'] },
  finish: ['writer'],
  done: ({ input, output }) => output.ticketId === input.id || 'wrong ticket',
  limits: { turns: 4, tokens: 1000, ms: 1000 },
});

export const checked = validatorFor(Ticket).validate({});
`;

// TypeBox alone, inferring back through Static from a callback: what the measure must see.
const INFERRING_THROUGH_STATIC = `
import Type, { type Static, type TSchema } from 'typebox';
function define<S extends TSchema>(schema: S, run: (value: Static<S>) => void) { return { schema, run }; }
export const defined = define(Type.Object({ name: Type.String() }), (value) => value.name);
`;

let scratch = '';
let entries: ts.Program;
beforeAll(() => {
  scratch = mkdtempSync(join(root, 'node_modules', '.baton-cost-'));
  entries = entryProgram();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Checks one module against the sources and returns its errors and the instantiations it cost. */
function check(name: string, code: string): { errors: string[]; instantiations: number } {
  const path = join(scratch, `${name}.ts`);
  writeFileSync(path, code);
  const program = ts.createProgram([path], entries.getCompilerOptions(), undefined, entries);
  const file = program.getSourceFile(path);
  if (!file) throw new Error(`${path} is not in the program`);
  const errors = program
    .getSemanticDiagnostics(file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  return { errors, instantiations: program.getInstantiationCount() };
}

describe("a user's type check", () => {
  it('instantiates thousands of types for a flow with a tool, a step and an agent, not millions', () => {
    const user = check('user', USER_CODE);
    expect(user.errors).toEqual([]);
    const control = check('control', INFERRING_THROUGH_STATIC);
    expect(control.errors).toEqual([]);
    // The control shows the measure sees the cost: TypeBox alone pays it when a callback infers through Static.
    expect(control.instantiations).toBeGreaterThan(1_000_000);
    expect(user.instantiations).toBeLessThan(100_000); // about 5,000 here; 1.4 million when Infer was inferred through
  }, 120_000);
});
