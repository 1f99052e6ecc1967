import type { Article, Assignment, CitedDraft, DraftForReview, Reference } from './contracts.js';
import { searchSources } from './sources.js';

// Deterministic checks, shared by the `cite` code step and the done predicate: code that measures
// outranks what a model says about its own work.

const MARKER = /\[(\d+)\]/g;

/** The words of a text, not counting citation markers such as `[2]`. */
export function countWords(text: string): number {
  return text.replace(MARKER, ' ').split(/\s+/).filter(Boolean).length;
}

/** The paragraphs of an article's body. */
export function paragraphsOf(body: string): string[] {
  return body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * Numbers a draft's citations in order of first use, appends the markers to each paragraph, builds the
 * references and counts the words. Throws when a paragraph cites a source the researcher did not find:
 * a citation that points nowhere is a defect to stop at, not a style note.
 */
export function citeDraft({ assignment, sources, draft }: DraftForReview): CitedDraft {
  const known = new Map(sources.map((source) => [source.id, source]));
  const references: Reference[] = [];
  const numberOf = new Map<string, number>();
  const paragraphs = draft.paragraphs.map((paragraph, i) => {
    const markers = paragraph.cites.map((id) => {
      const source = known.get(id);
      if (!source) {
        throw new Error(
          `Paragraph ${i + 1} cites ${id}, which is not among the researcher's sources (${[...known.keys()].join(', ')}).`,
        );
      }
      let n = numberOf.get(id);
      if (n === undefined) {
        n = references.length + 1;
        numberOf.set(id, n);
        references.push({ n, id, title: source.title, url: source.url });
      }
      return `[${n}]`;
    });
    return `${paragraph.text.trim()} ${[...new Set(markers)].join('')}`;
  });
  const body = paragraphs.join('\n\n');
  return {
    assignment,
    sources,
    draft,
    article: { title: draft.title, body, references, wordCount: countWords(body) },
  };
}

/**
 * What keeps an article from being done, as a list of unmet conditions: every paragraph cites a
 * reference, every reference is cited and is a source the search finds for the topic, the word count
 * is true and within the assignment's limit.
 */
export function articleProblems(assignment: Assignment, article: Article): string[] {
  const problems: string[] = [];
  const found = new Map(searchSources(assignment.topic).map((source) => [source.id, source]));
  const byNumber = new Map(article.references.map((reference) => [reference.n, reference]));
  const cited = new Set<number>();
  paragraphsOf(article.body).forEach((paragraph, i) => {
    const markers = [...paragraph.matchAll(MARKER)].map((m) => Number(m[1]));
    if (markers.length === 0) problems.push(`paragraph ${i + 1} cites no source`);
    for (const n of markers) {
      cited.add(n);
      if (!byNumber.has(n)) problems.push(`paragraph ${i + 1} cites [${n}], which is not in the references`);
    }
  });
  for (const reference of article.references) {
    const source = found.get(reference.id);
    if (!source || source.url !== reference.url) {
      problems.push(
        `reference [${reference.n}] (${reference.id}) is not a source the search finds for "${assignment.topic}"`,
      );
    }
    if (!cited.has(reference.n)) problems.push(`reference [${reference.n}] is never cited`);
  }
  const words = countWords(article.body);
  if (article.wordCount !== words) {
    problems.push(`wordCount says ${article.wordCount} but the body has ${words} words`);
  }
  if (words > assignment.maxWords) {
    problems.push(`the body has ${words} words; the assignment allows ${assignment.maxWords}`);
  }
  return problems;
}
