import { assertText } from '../../contracts/arguments.js';
import type { Price } from '../model.js';

/**
 * A snapshot of the providers' published list prices, in US dollars per million tokens, for standard
 * (not batch, flex or priority) processing, taken in November 2026 from developers.openai.com (model and
 * pricing pages) and platform.claude.com (pricing page). Prices change: pass `price` to `openai()` or
 * `anthropic()` to override one, and check the providers' pages before trusting a cost budget.
 *
 * Simplifications: Anthropic bills cache writes at 1.25× (5 minutes) or 2× (1 hour) the input price and
 * some models charge more above a prompt-length threshold (OpenAI above 272K input tokens, Claude Haiku
 * 5.5 above 100K); Baton meters cache writes as plain input and uses the base tier.
 *
 * Keys are model ids as `Model.id` spells them (`provider:model`); `priceOf` also matches dated snapshots.
 *
 * @example
 * ```ts
 * import { PRICES } from 'baton-flow';
 *
 * const mini = PRICES['openai:gpt-5-mini']; // { input: 0.25, cachedInput: 0.025, output: 2 }
 * const claude = Object.keys(PRICES).filter((id) => id.startsWith('anthropic:'));
 * console.log(mini?.output, claude.length);
 * ```
 */
export const PRICES: Readonly<Record<string, Price>> = {
  // OpenAI
  'openai:gpt-5.6-sol': { input: 4, cachedInput: 0.4, output: 20 },
  'openai:gpt-5.6-terra': { input: 2, cachedInput: 0.2, output: 12 },
  'openai:gpt-5.6-luna': { input: 0.2, cachedInput: 0.02, output: 1.2 },
  'openai:gpt-5.5': { input: 5, cachedInput: 0.5, output: 30 },
  'openai:gpt-5.5-pro': { input: 30, output: 180 },
  'openai:gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15 },
  'openai:gpt-5.4-mini': { input: 0.75, cachedInput: 0.075, output: 4.5 },
  'openai:gpt-5.4-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 },
  'openai:gpt-5.2': { input: 1.75, cachedInput: 0.175, output: 14 },
  'openai:gpt-5.1': { input: 1.25, cachedInput: 0.125, output: 10 },
  'openai:gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'openai:gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'openai:gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'openai:gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'openai:gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'openai:o3': { input: 2, cachedInput: 0.5, output: 8 },
  // Anthropic (cachedInput is the price of a cache hit)
  'anthropic:claude-opus-5-5': { input: 4, cachedInput: 0.2, output: 20 },
  'anthropic:claude-opus-5': { input: 5, cachedInput: 0.5, output: 25 },
  'anthropic:claude-sonnet-5-5': { input: 2, cachedInput: 0.1, output: 10 },
  'anthropic:claude-sonnet-5': { input: 2, cachedInput: 0.2, output: 10 },
  'anthropic:claude-haiku-5-5': { input: 0.1, cachedInput: 0.01, output: 0.5 },
  'anthropic:claude-opus-4-8': { input: 5, cachedInput: 0.5, output: 25 },
  'anthropic:claude-opus-4-7': { input: 5, cachedInput: 0.5, output: 25 },
  'anthropic:claude-opus-4-6': { input: 5, cachedInput: 0.5, output: 25 },
  'anthropic:claude-opus-4-5': { input: 5, cachedInput: 0.5, output: 25 },
  'anthropic:claude-opus-4-1': { input: 15, cachedInput: 1.5, output: 75 },
  'anthropic:claude-opus-4-0': { input: 15, cachedInput: 1.5, output: 75 },
  'anthropic:claude-sonnet-4-6': { input: 3, cachedInput: 0.3, output: 15 },
  'anthropic:claude-sonnet-4-5': { input: 3, cachedInput: 0.3, output: 15 },
  'anthropic:claude-sonnet-4-0': { input: 3, cachedInput: 0.3, output: 15 },
  'anthropic:claude-haiku-4-5': { input: 1, cachedInput: 0.1, output: 5 },
  'anthropic:claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, output: 4 },
  'anthropic:claude-3-haiku': { input: 0.25, cachedInput: 0.03, output: 1.25 },
};

/** Older Anthropic ids with a dated snapshot and no minor version (`claude-sonnet-4-20250514`). */
const ALIASES: Readonly<Record<string, string>> = {
  'anthropic:claude-opus-4': 'anthropic:claude-opus-4-0',
  'anthropic:claude-sonnet-4': 'anthropic:claude-sonnet-4-0',
};

/**
 * The table price of a model id (`openai:gpt-5-mini`, `anthropic:claude-sonnet-4-5-20250929`), matching a
 * dated snapshot (`-2025-09-29` or `-20250929`) to its model; undefined for a model the table does not
 * know, whose calls are then metered as free unless the provider is given a `price`.
 *
 * @example
 * ```ts
 * import { priceOf } from 'baton-flow';
 *
 * priceOf('anthropic:claude-sonnet-4-5-20250929'); // { input: 3, cachedInput: 0.3, output: 15 }
 * priceOf('openai:my-fine-tune'); // undefined
 *
 * // Refuse a model whose calls a cost budget would meter as free.
 * const id = `openai:${process.env['MODEL'] ?? 'gpt-5-mini'}`;
 * if (priceOf(id) === undefined) throw new Error(`No price for ${id}: pass a price to openai().`);
 * ```
 */
export function priceOf(id: string): Price | undefined {
  assertText(id, 'priceOf', 'the model id');
  const base = id.replace(/-\d{4}-\d{2}-\d{2}$/, '').replace(/-\d{8}$/, '');
  return PRICES[id] ?? PRICES[base] ?? PRICES[ALIASES[base] ?? ''];
}
