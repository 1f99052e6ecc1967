import type { JudgeInput, ModelRequest } from 'baton-flow';
import { type ScriptResponder, type ScriptStep, scripted } from 'baton-flow/testing';
import type { Patch, Task } from './contracts.js';

// Offline stand-ins for real models: deterministic responders that read only what a real model would see
// (the coder: its task and the feedback on its earlier finishes; the reviewer: the patch and the criteria).

/** The bodies the coder tries, in order: a first guess, then its next idea after each rejection. */
const ATTEMPTS = ['a - b', 'a + b', 'a * b'];

/** How many of the coder's finishes were not accepted so far in this visit. */
function rejections(request: ModelRequest): number {
  return request.messages.filter((m) => m.role === 'tool' && m.content.startsWith('Not accepted')).length;
}

/** The coder: its next attempt after each rejection, with a doc comment. */
export const coderResponder: ScriptResponder = (request): ScriptStep => {
  const task = request.input as Task;
  const round = rejections(request);
  const body = ATTEMPTS[Math.min(round, ATTEMPTS.length - 1)] ?? 'a';
  const patch: Patch = { name: task.name, body, doc: `${task.name}: ${task.issue}` };
  return { finish: patch };
};

/** The reviewer: a patch is readable when its body is short and its doc names the function. */
export const reviewerResponder: ScriptResponder = (request): ScriptStep => {
  const { result, criteria } = request.input as JudgeInput;
  const patch = result as Patch;
  const readable = patch.body.length <= 40 && patch.doc.startsWith(patch.name);
  return {
    finish: {
      verdicts: criteria.map((criterion) => ({
        id: criterion.id,
        pass: readable,
        evidence: readable ? `"${patch.body}", documented` : 'the body is long or the doc does not name it',
      })),
    },
  };
};

// The agents' own models serve every run of the process, so they keep no record of the requests.
const QUIET = { record: false } as const;

/** The coder's own model. */
export const coderModel = scripted(coderResponder, QUIET);
/** The reviewer's own model. */
export const reviewerModel = scripted(reviewerResponder, QUIET);
