import type { DiagnosticCode, Severity } from './codes.js';

/** Options of `check`. */
export interface CheckOptions {
  /** Warn (`chain_too_long`) when the longest handoff chain from start to `done` is longer (default 4). */
  readonly maxChain?: number;
  /** Whose schemas must fit OpenAI strict mode: agents with an `openai:` model (default), all agents, or none. */
  readonly strictSchemas?: 'openai' | 'all' | 'off';
  /** Change the severity of a code, or turn it off. */
  readonly rules?: { readonly [C in DiagnosticCode]?: Severity | 'off' };
  /** How many steps the longest-path search may take before it settles for the longest found (default 20 000). */
  readonly searchLimit?: number;
}

/** Check options with every default filled in. */
export interface ResolvedCheckOptions {
  readonly maxChain: number;
  readonly strictSchemas: 'openai' | 'all' | 'off';
  readonly rules: { readonly [C in DiagnosticCode]?: Severity | 'off' };
  readonly searchLimit: number;
}

/** Fills in the defaults of `CheckOptions`. */
export function resolveCheckOptions(options: CheckOptions = {}): ResolvedCheckOptions {
  return {
    maxChain: options.maxChain ?? 4,
    strictSchemas: options.strictSchemas ?? 'openai',
    rules: options.rules ?? {},
    searchLimit: options.searchLimit ?? 20_000,
  };
}
