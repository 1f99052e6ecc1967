// Runs the built package as a user gets it: dist/index.js and dist/testing.js run a flow on the scripted
// model, dist/parts.js has the parts, and the CLI from dist/ runs the support example. Run after
// `npm run build`. test/package/install.test.ts installs the packed tarball the way a user does.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const { defineAgent, defineFlow, runFlow, check, REASONS } = await import('../dist/index.js');
const { scripted } = await import('../dist/testing.js');
const { partsMachine, agentState } = await import('../dist/parts.js');
assert.equal(typeof partsMachine, 'function');
assert.equal(typeof agentState, 'function');

const Note = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
  additionalProperties: false,
};
const model = scripted([
  { agent: 'writer', handoff: 'editor', payload: { text: 'draft' } },
  { agent: 'editor', finish: { text: 'final' } },
]);
const writer = defineAgent({
  name: 'writer',
  description: 'Writes a draft.',
  input: Note,
  instructions: 'Write.',
  model,
});
const editor = defineAgent({
  name: 'editor',
  description: 'Edits the draft.',
  input: Note,
  instructions: 'Edit.',
  model,
});
const flow = defineFlow({
  id: 'smoke',
  input: Note,
  output: Note,
  start: 'writer',
  agents: [writer, editor],
  routes: { writer: ['editor'] },
  finish: ['editor'],
});
const result = await runFlow(flow, { text: 'topic' });
assert.equal(result.status, 'done');
assert.deepEqual(result.output, { text: 'final' });
assert.deepEqual(result.path, ['writer', 'editor', 'done']);
assert.ok(result.events.every((e, i) => e.seq === i + 1 && e.runId === result.runId));
assert.equal(check(flow).filter((d) => d.severity === 'error').length, 0);
assert.equal(REASONS.loop_detected.mast[0], 'FM-1.3');
model.assertComplete();

const cli = spawnSync(
  process.execPath,
  [
    'dist/runtime/cli/bin.js',
    'run',
    'examples/support/flow.ts',
    '--input',
    'examples/support/ticket.json',
    '--no-store',
  ],
  { encoding: 'utf8' },
);
assert.equal(cli.status, 0, `the CLI from dist/ exited ${cli.status}: ${cli.stderr}`);
assert.match(cli.stdout, /done/);
console.log('package smoke: dist/index.js, dist/parts.js, dist/testing.js and the CLI from dist/ work');
