import type { Contract, Review } from './contracts.js';

/**
 * The done contract of the review: every clause of the contract is analysed, once, and the review names
 * no clause the contract does not have. Returns the unmet conditions (none: the review may be done).
 */
export function coverageProblems(contract: Contract, review: Review): string[] {
  const problems: string[] = [];
  if (review.contractId !== contract.id) problems.push(`the review must name contract ${contract.id}`);
  const ids = new Set(contract.clauses.map((clause) => clause.id));
  const seen = new Map<string, number>();
  for (const analysis of review.analyses) seen.set(analysis.clauseId, (seen.get(analysis.clauseId) ?? 0) + 1);
  const missing = contract.clauses.filter((clause) => !seen.has(clause.id)).map((clause) => clause.id);
  if (missing.length > 0) problems.push(`clauses not analysed: ${missing.join(', ')}`);
  for (const [id, count] of seen) {
    if (!ids.has(id)) problems.push(`clause ${id} is not in the contract`);
    else if (count > 1) problems.push(`clause ${id} is analysed ${count} times`);
  }
  for (const id of review.escalate) {
    if (!ids.has(id)) problems.push(`escalated clause ${id} is not in the contract`);
  }
  return problems;
}
