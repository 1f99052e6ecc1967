import { randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../agents/clock.js';

/**
 * The real clock: `Date.now` and the host's timers. `runFlow` uses it unless given a `clock`.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { scripted } from 'baton-flow/testing';
 *
 * const Note = Type.Object({ text: Type.String() });
 * const writer = defineAgent({
 *   name: 'writer',
 *   description: 'Writes a note.',
 *   input: Note,
 *   instructions: 'Write the note the input asks for.',
 *   model: scripted([{ agent: 'writer', finish: { text: 'Hello.' } }]),
 * });
 * const notes = defineFlow({ id: 'notes', input: Note, output: Note, start: 'writer', agents: [writer], finish: ['writer'] });
 * import { runFlow, systemClock } from 'baton-flow';
 *
 * const result = await runFlow(notes, { text: 'a haiku' }, { clock: systemClock });
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/**
 * Random UUID ids: `prefix-<uuid>`. Node builds a UUID by concatenating its hex pieces, which leaves a
 * tree of about twenty string fragments (half a KiB) behind every id a run keeps; `join` copies them
 * into one flat string. `runFlow` uses it unless given `ids`.
 *
 * @example
 * ```ts
 * import { randomIds } from 'baton-flow';
 *
 * const runId = randomIds.next('run'); // 'run-1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed'
 * ```
 */
export const randomIds: Ids = Object.freeze({ next: (prefix: string) => [prefix, randomUUID()].join('-') });
