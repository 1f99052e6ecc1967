import { resolve } from 'node:path';
import type { Model } from '../agents/model.js';
import { anthropic } from '../agents/providers/anthropic.js';
import { openai } from '../agents/providers/openai.js';
import { replay } from '../agents/providers/replay.js';
import { BatonError } from '../contracts/errors.js';

/** The environment variable that picks the model when no `--model` is given. */
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
 */
export function modelFromSpec(spec: string, options: ModelSpecOptions): Model | null {
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
