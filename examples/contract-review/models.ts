import type { ModelRequest } from 'baton-flow';
import { type ScriptResponder, type ScriptStep, scripted } from 'baton-flow/testing';
import type { Clause, ClauseAnalysis, Contract, Review } from './contracts.js';

// An offline stand-in for a real model: a deterministic responder that reads only what a real model would
// see (the contract it was given, and the answers to its own calls in this visit). Like a hurried model,
// it analyses the first half of the contract and declares victory; told which clauses it missed, it
// analyses those too.

const RISKS: readonly {
  readonly words: RegExp;
  readonly risk: ClauseAnalysis['risk'];
  readonly note: string;
}[] = [
  { words: /unlimited|indemnif/i, risk: 'high', note: 'Uncapped liability: negotiate a cap.' },
  { words: /terminat|renew/i, risk: 'medium', note: 'Check the notice period and the renewal terms.' },
];

/** The analysis of one clause, by its wording. */
export function analyse(clause: Clause): ClauseAnalysis {
  const found = RISKS.find((entry) => entry.words.test(clause.text));
  return { clauseId: clause.id, risk: found?.risk ?? 'low', note: found?.note ?? 'Standard wording.' };
}

/** The clause ids the done contract said were not analysed, from the rejection of the last finish. */
function missedClauses(request: ModelRequest): string[] {
  const last = request.messages.at(-1);
  if (last?.role !== 'tool') return [];
  const listed = /clauses not analysed: ([^\n]+)/.exec(last.content)?.[1] ?? '';
  return listed
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/** The review of the given clauses. */
function review(contract: Contract, clauses: readonly Clause[]): Review {
  const analyses = clauses.map(analyse);
  return {
    contractId: contract.id,
    analyses,
    escalate: analyses.filter((a) => a.risk === 'high').map((a) => a.clauseId),
  };
}

/** The analyst: half the contract first; on a repair, the clauses it was told it missed as well. */
export const analystResponder: ScriptResponder = (request): ScriptStep => {
  const contract = request.input as Contract;
  const half = contract.clauses.slice(0, Math.ceil(contract.clauses.length / 2));
  const missed = new Set(missedClauses(request));
  if (missed.size === 0) return { finish: review(contract, half) };
  const done = new Set(half.map((clause) => clause.id));
  return {
    finish: review(
      contract,
      contract.clauses.filter((c) => done.has(c.id) || missed.has(c.id)),
    ),
  };
};

/** The analyst's own model; it serves every run of the process, so it keeps no record of the requests. */
export const analystModel = scripted(analystResponder, { record: false });
