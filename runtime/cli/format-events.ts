import type { Reason, RunUsage } from '../../machines/context.js';
import type { HumanWait } from '../../machines/verdict.js';
import type { RunEvent } from '../run-events.js';
import type { StoredRunResult } from '../run-result.js';

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

/** One readable line for the events a person follows in a terminal, or null for the others. */
export function formatEvent(event: RunEvent): string | null {
  switch (event.type) {
    case 'run.started':
      return `▶ ${event.flow} (${event.runId})`;
    case 'model.replied':
      return `  ${pad(String(event.step), 3)} ${pad(event.agent, 12)} model turn ${event.turn}: ${event.toolCalls.join(', ') || `(${event.stop})`}  ${event.usage.inputTokens} in / ${event.usage.outputTokens} out tokens`;
    case 'tool.returned':
      return `  ${pad(String(event.step), 3)} ${pad(event.agent, 12)} tool ${event.tool}: ${event.ok ? 'ok' : 'error'}`;
    case 'transition': {
      const what = transitionText(event);
      return `  ${pad(String(event.step), 3)} ${pad(event.from, 12)} ${what}`;
    }
    default:
      return null;
  }
}

/** What a transition did, in words. */
function transitionText(event: Extract<RunEvent, { type: 'transition' }>): string {
  switch (event.kind) {
    case 'handoff':
      return `hands off to ${event.to}`;
    case 'repair':
      return `decision rejected, sent back for repair: ${firstLine(event.message)}`;
    case 'finish':
      return 'finishes: done';
    case 'wait':
      return `asks a person (${event.question ?? '?'}): ${firstLine(event.message)}`;
    case 'answer':
      return `answered (${event.question ?? '?'}): ${JSON.stringify(event.answer)}`;
    case 'verify':
      return 'finishes: the judge verifies the result';
    case 'revise':
      return `verification failed, sent back to ${event.to}: ${firstLine(event.message)}`;
    default:
      return `${event.to}: ${event.code ?? ''}`;
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n').slice(0, 2).join(' ');
}

/** The closing lines: the status, the output or reason, and usage. */
export function formatResult(result: StoredRunResult, module?: string): string {
  const path = `path ${result.path.join(' → ')}`;
  const usage = formatUsage(result.usage);
  if (result.status === 'awaiting_human')
    return `${formatQuestion(result.runId, result.question, module)}\n${path}\n${usage}`;
  if (result.status === 'done') return `✔ done\n${JSON.stringify(result.output, null, 2)}\n${path}\n${usage}`;
  return `${formatReason(result.status, result.reason)}\n${path}\n${usage}`;
}

/** The question a run waits on, and how to answer it. */
export function formatQuestion(runId: string, wait: HumanWait, module = '<flow module>'): string {
  const until = wait.expiresAt === null ? '' : `, answer by ${new Date(wait.expiresAt).toISOString()}`;
  const how =
    wait.kind !== 'ask'
      ? `baton answer ${module} ${runId} '{"approved": true}' --question ${wait.id}   (or '{"approved": false, "reason": "…"}')`
      : `baton answer ${module} ${runId} "<your answer>" --question ${wait.id}`;
  return `⏸ awaiting_human: agent ${wait.agent} ${wait.kind === 'approval' ? 'needs approval' : wait.kind === 'limit' ? 'ran out of a limit' : 'asks'} (${wait.id}${until})\n${wait.question}\nanswer with: ${how}`;
}

/** Why a run did not end `done`, in two lines: its status, reason code and where; then the message. */
export function formatReason(status: string, reason: Reason): string {
  const mast = reason.mast.length ? ` (${reason.mast.join(', ')})` : '';
  return `✘ ${status}: ${reason.code}${mast} at ${reason.state}, agent ${reason.agent ?? '-'}, step ${reason.step}\n${reason.message}`;
}

/** A run's usage on one line: tokens, model turns, handoffs and cost. */
export function formatUsage(u: RunUsage): string {
  return `tokens ${u.inputTokens} in / ${u.outputTokens} out, ${u.turns} model turns, ${u.handoffs} handoffs, $${u.costUsd.toFixed(4)}`;
}
