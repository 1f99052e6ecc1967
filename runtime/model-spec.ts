import { resolve } from 'node:path';
import type { Model } from '../agents/model.js';
import { anthropic } from '../agents/providers/anthropic.js';
import { openai } from '../agents/providers/openai.js';
import { replay } from '../agents/providers/replay.js';
import { kindOf } from '../contracts/arguments.js';
import { BatonError } from '../contracts/errors.js';

/**
 * The environment variable that picks the model when no `--model` is given: `BATON_MODEL`.
 *
 * @example
 * ```ts
 * import { MODEL_VARIABLE, modelFromSpec } from 'baton-flow';
 *
 * const model = modelFromSpec(process.env[MODEL_VARIABLE] ?? 'scripted', { cwd: process.cwd() });
 * ```
 */
export const MODEL_VARIABLE = 'BATON_MODEL';

/** Options that shape a model picked by name. */
export interface ModelSpecOptions {
  /** An OpenAI-compatible or Anthropic-compatible server to talk to instead of the provider's own. */
  readonly baseURL?: string | undefined;
  /** Where relative cassette paths are resolved. */
  readonly cwd: string;
}

const FORMS = 'scripted, openai:<model>, openai-chat:<model>, anthropic:<model> or replay:<cassette file>';

/**
 * Turns a model name into a model for every agent of a run, or null for `scripted` (each agent keeps
 * the model it was defined with). Forms: `openai:gpt-5-mini` (Responses API), `openai-chat:llama3.1`
 * (Chat Completions, for OpenAI-compatible servers), `anthropic:claude-haiku-4-5`, `replay:<file>`.
 * Throws `invalid_argument` for a name of no form, naming the forms.
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
 * import { modelFromSpec, runFlow } from 'baton-flow';
 *
 * const model = modelFromSpec('openai-chat:llama3.1', { baseURL: 'http://127.0.0.1:11434/v1', cwd: process.cwd() });
 * const result = await runFlow(notes, { text: 'a haiku' }, model ? { models: model } : {});
 * ```
 */
export function modelFromSpec(spec: string, options: ModelSpecOptions): Model | null {
  if (typeof spec !== 'string')
    throw new BatonError(
      'invalid_argument',
      `modelFromSpec: the model spec must be a string such as "openai:gpt-5-mini", got ${kindOf(spec)}.`,
    );
  const value = spec.trim();
  if (value === '' || value === 'scripted') return null;
  const colon = value.indexOf(':');
  const provider = colon === -1 ? value : value.slice(0, colon);
  const name = colon === -1 ? '' : value.slice(colon + 1);
  if (name === '') {
    throw new BatonError('invalid_argument', `Model "${value}" names no model. Use one of: ${FORMS}.`, {
      details: { model: value },
    });
  }
  const baseURL = options.baseURL === undefined ? {} : { baseURL: options.baseURL };
  switch (provider) {
    case 'openai':
      return openai(name, baseURL);
    case 'openai-chat':
      return openai(name, { api: 'chat', ...baseURL });
    case 'anthropic':
      return anthropic(name, baseURL);
    case 'replay':
      return replay(resolve(options.cwd, name));
    default:
      throw new BatonError(
        'invalid_argument',
        `Unknown model provider "${provider}" in "${value}". Use one of: ${FORMS}.`,
        {
          details: { model: value },
        },
      );
  }
}
