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
 * Random, time-ordered ids: `prefix-<uuid>`, each a version 7 UUID (RFC 9562): the time in ms, then 74
 * random bits. Ids made later sort later, so a store's indexes (runs, their events and journal, all keyed
 * by run id) take each new run at their end instead of at a random page: with random ids a SQLite store
 * wrote about a fifth more pages per run. Node builds a UUID by concatenating its hex pieces, which leaves
 * a tree of string fragments behind every id a run keeps; `join` copies them into one flat string.
 * `runFlow` uses it unless given `ids`.
 *
 * @example
 * ```ts
 * import { randomIds } from 'baton-flow';
 *
 * const runId = randomIds.next('run'); // 'run-019ad6a8-1b9d-7bcd-9b5d-ab8dfbbd4bed'
 * ```
 */
export const randomIds: Ids = Object.freeze({
  next: (prefix: string) => {
    const time = Date.now().toString(16).padStart(12, '0');
    // A version 4 UUID's random bits after its version digit, under version 7's digit.
    return [prefix, time.slice(0, 8), time.slice(8, 12), `7${randomUUID().slice(15)}`].join('-');
  },
});
