import type { AnyAgent } from '../agents/define-agent.js';
import type { Message } from '../agents/model.js';

/**
 * What an agent's decision must account for: every piece of review feedback in its input answered
 * (`input_ignored`), and every claim it makes backed by a successful call of the tool that does it in this
 * visit (`action_mismatch`). Null when it accounts for everything, or declares neither rule.
 */
export function accountability(
  participant: AnyAgent | undefined,
  input: unknown,
  decided: unknown,
  transcript: readonly Message[],
): { readonly code: 'input_ignored' | 'action_mismatch'; readonly message: string } | null {
  if (participant?.kind !== 'agent') return null;
  const { feedback, claims } = participant;
  if (feedback) {
    const items = listAt(input, feedback.items);
    const answers = listAt(decided, feedback.answers);
    const open: string[] = [];
    for (const item of items) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' && typeof id !== 'number') continue;
      const answer = answers.find((a) => (a as { id?: unknown } | null)?.id === id) as
        | { status?: unknown; reason?: unknown }
        | undefined;
      const ok =
        answer?.status === 'fixed' ||
        (answer?.status === 'declined' && typeof answer.reason === 'string' && answer.reason.trim() !== '');
      if (!ok) open.push(String(id));
    }
    if (open.length > 0) {
      return {
        code: 'input_ignored',
        message: `Feedback item${open.length === 1 ? '' : 's'} ${open.map((id) => `"${id}"`).join(', ')} ${open.length === 1 ? 'is' : 'are'} not answered. List each in "${feedback.answers}" as { id, status: "fixed" } or { id, status: "declined", reason }.`,
      };
    }
  }
  if (claims) {
    const unbacked: string[] = [];
    for (const claim of listAt(decided, claims.field)) {
      const { kind, target } = (claim ?? {}) as { kind?: unknown; target?: unknown };
      const tool = typeof kind === 'string' ? claims.backedBy[kind] : undefined;
      const what = `${String(kind)}${target === undefined ? '' : ` ${JSON.stringify(target)}`}`;
      if (tool === undefined) {
        unbacked.push(
          `${what} (no tool backs a claim of this kind: ${Object.keys(claims.backedBy).join(', ')})`,
        );
        continue;
      }
      if (!backed(transcript, tool, target))
        unbacked.push(
          `${what} (no successful call of "${tool}"${target === undefined ? '' : ' with it'} in this visit)`,
        );
    }
    if (unbacked.length > 0) {
      return {
        code: 'action_mismatch',
        message: `These claims have nothing to back them:\n${unbacked.map((u) => `- ${u}`).join('\n')}\nDo what you claim with the tool, or leave the claim out.`,
      };
    }
  }
  return null;
}

/** The list at `field` of a decided value, or none. */
export function listAt(value: unknown, field: string): readonly unknown[] {
  const list = (value as Record<string, unknown> | null)?.[field];
  return Array.isArray(list) ? list : [];
}

/** Whether the visit has a successful call of `tool`, with `target` among its argument values if given. */
function backed(transcript: readonly Message[], tool: string, target: unknown): boolean {
  for (const message of transcript) {
    if (message.role !== 'assistant') continue;
    for (const call of message.toolCalls) {
      if (call.name !== tool || call.malformed) continue;
      const result = transcript.find((m) => m.role === 'tool' && m.callId === call.id);
      if (result?.role !== 'tool' || result.isError) continue;
      if (target === undefined) return true;
      const args = call.arguments;
      if (args && typeof args === 'object' && Object.values(args).some((v) => v === target)) return true;
    }
  }
  return false;
}
