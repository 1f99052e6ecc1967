import { type StrictModeIssue, strictModeIssues } from '../../agents/providers/openai-strict.js';

export type { StrictModeIssue };

/**
 * Why a tool schema cannot be sent with OpenAI's `strict: true`, or null when it can: the deepest place
 * with a problem, with every keyword to fix there. The verdict is the OpenAI provider's own, so `check`
 * and the provider never disagree.
 */
export function strictModeIssue(schema: unknown): StrictModeIssue | null {
  const [first, ...rest] = strictModeIssues(schema);
  if (!first) return null;
  const same = [first, ...rest.filter((other) => other.path === first.path)];
  return {
    path: first.path,
    keyword: same.map((i) => i.keyword).join(', '),
    fix: same.map((i) => i.fix).join(' '),
  };
}
