import type { Model } from '../../agents/model.js';
import { loadAnthropicSdk } from '../../agents/providers/anthropic.js';
import { loadOpenAISdk } from '../../agents/providers/openai.js';
import { MODEL_VARIABLE, modelFromSpec } from '../model-spec.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';

/** The `--model` and `--base-url` of `baton run` and `baton resume`. */
export interface ModelFlags {
  /** `scripted`, `openai:<model>`, `openai-chat:<model>`, `anthropic:<model>` or `replay:<file>`; default BATON_MODEL. */
  readonly model?: string | undefined;
  readonly baseURL?: string | undefined;
}

/**
 * The model `--model` (else BATON_MODEL, else scripted) names, or null for each agent's own. A `--base-url`
 * without a provider's model is `invalid_argument`; the provider's SDK is loaded now, so a missing one is
 * `missing_dependency` (exit 69) with the install command, not a run that fails at its first model call.
 */
export async function modelOption(flags: ModelFlags, io: CliIo): Promise<Model | null> {
  const spec = flags.model ?? io.env[MODEL_VARIABLE] ?? 'scripted';
  const model = modelFromSpec(spec, { baseURL: flags.baseURL, cwd: io.cwd });
  if (flags.baseURL !== undefined && (model === null || spec.trim().startsWith('replay:'))) {
    throw new CliError(
      'usage',
      'invalid_argument',
      `--base-url applies to a provider's model, not to "${spec}". Pass --model openai:<model>, openai-chat:<model> or anthropic:<model> with it, or drop --base-url.`,
    );
  }
  const provider = spec.trim().split(':', 1)[0];
  if (provider === 'openai' || provider === 'openai-chat') await loadOpenAISdk(`--model ${spec.trim()}`);
  if (provider === 'anthropic') await loadAnthropicSdk(`--model ${spec.trim()}`);
  return model;
}
