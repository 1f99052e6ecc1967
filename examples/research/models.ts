import type { ModelRequest } from 'baton-flow';
import { type ScriptedModel, type ScriptResponder, type ScriptStep, scripted } from 'baton-flow/testing';
import { countWords } from './citations.js';
import type { Assignment, CitedDraft, Draft, Note, Source, WritingTask } from './contracts.js';

// Offline stand-ins for real models: deterministic responders that read only what a real model would
// see (the agent's validated input and its own tool results), so the example runs with no API key and
// every request gets the same answer every time.

function lastToolResult(request: ModelRequest): unknown {
  const last = [...request.messages].reverse().find((m) => m.role === 'tool' && !m.isError);
  return last && last.role === 'tool' ? JSON.parse(last.content) : undefined;
}

/** A paragraph's first sentence: what `shorten` keeps. */
export function firstSentence(text: string): string {
  return /^.*?[.!?](?=\s|$)/.exec(text.trim())?.[0] ?? text.trim();
}

/** Researcher: searches for the topic, then hands the sources to the writer, or asks when there are none. */
export const researcherResponder: ScriptResponder = (request): ScriptStep => {
  const assignment = request.input as Assignment;
  const found = lastToolResult(request) as { sources: Source[] } | undefined;
  if (!found) return { tool: 'search_sources', args: { query: assignment.topic } };
  if (found.sources.length === 0) {
    return {
      ask: `The search finds no sources on "${assignment.topic}". Which related topic should I research?`,
    };
  }
  const task: WritingTask = { assignment, sources: found.sources, previous: null, notes: [] };
  return { handoff: 'writer', payload: task };
};

/** A first draft: one paragraph per source, and, being a writer, a closing summary that cites them all. */
function firstDraft({ assignment, sources }: WritingTask): Draft {
  const paragraphs = sources.map((source) => ({ text: source.finding, cites: [source.id] }));
  if (sources.length > 1) {
    paragraphs.push({
      text: `Taken together, these ${sources.length} sources give ${assignment.audience} a consistent picture of ${assignment.topic.toLowerCase()}, though each one looks at a different part of it.`,
      cites: sources.map((source) => source.id),
    });
  }
  return { title: `${assignment.topic}: what the evidence says`, paragraphs };
}

/** A revision: the previous draft with each note applied to the paragraph it names. */
function revise(previous: Draft, notes: readonly Note[]): Draft {
  const paragraphs = previous.paragraphs.flatMap((paragraph, i) => {
    const actions = notes.filter((note) => note.paragraph === i + 1).map((note) => note.action);
    if (actions.includes('cut')) return [];
    if (actions.includes('shorten')) return [{ ...paragraph, text: firstSentence(paragraph.text) }];
    return [paragraph];
  });
  return { ...previous, paragraphs };
}

/** Writer: drafts from the sources, or revises the previous draft by the editor's notes; hands it to the check. */
export const writerResponder: ScriptResponder = (request): ScriptStep => {
  const task = request.input as WritingTask;
  const draft = task.previous ? revise(task.previous, task.notes) : firstDraft(task);
  return { handoff: 'cite', payload: { assignment: task.assignment, sources: task.sources, draft } };
};

/**
 * The editor's notes: cut a paragraph that cites every source (it restates the others), then shorten
 * the longest paragraphs left to their first sentence until the article fits the word limit.
 */
export function editorNotes({ assignment, sources, draft, article }: CitedDraft): Note[] {
  const notes: Note[] = [];
  let words = article.wordCount;
  draft.paragraphs.forEach((paragraph, i) => {
    const citesAll = sources.every((source) => paragraph.cites.includes(source.id));
    if (draft.paragraphs.length > 1 && sources.length > 1 && citesAll) {
      notes.push({
        paragraph: i + 1,
        action: 'cut',
        reason: 'It cites every source and restates the other paragraphs: it adds no claim of its own.',
      });
      words -= countWords(paragraph.text);
    }
  });
  const longestFirst = draft.paragraphs
    .map((paragraph, i) => ({ paragraph, i }))
    .filter(({ i }) => !notes.some((note) => note.paragraph === i + 1))
    .sort((a, b) => countWords(b.paragraph.text) - countWords(a.paragraph.text) || a.i - b.i);
  for (const { paragraph, i } of longestFirst) {
    if (words <= assignment.maxWords) break;
    const saved = countWords(paragraph.text) - countWords(firstSentence(paragraph.text));
    if (saved === 0) continue;
    notes.push({
      paragraph: i + 1,
      action: 'shorten',
      reason: `The article has ${words} words and may have ${assignment.maxWords}: keep the first sentence.`,
    });
    words -= saved;
  }
  return notes;
}

/** Editor: sends the draft back with notes while it has any, else finishes with the checked article. */
export const editorResponder: ScriptResponder = (request): ScriptStep => {
  const review = request.input as CitedDraft;
  const notes = editorNotes(review);
  if (notes.length === 0) return { finish: review.article };
  const task: WritingTask = {
    assignment: review.assignment,
    sources: review.sources,
    previous: review.draft,
    notes,
  };
  return { handoff: 'writer', payload: task };
};

/**
 * A new scripted model for each agent, for one run: a scripted model numbers its tool calls over its
 * life, so runs that must give the same events byte for byte each get their own (pass them as
 * `runFlow`'s `models`).
 */
export function researchModels(): Record<'researcher' | 'writer' | 'editor', ScriptedModel> {
  return {
    researcher: scripted(researcherResponder),
    writer: scripted(writerResponder),
    editor: scripted(editorResponder),
  };
}

// The agents' own models serve every run of the process, so they keep no record of the requests they answer.
const QUIET = { record: false } as const;

/** The researcher's own model. */
export const researcherModel = scripted(researcherResponder, QUIET);
/** The writer's own model. */
export const writerModel = scripted(writerResponder, QUIET);
/** The editor's own model. */
export const editorModel = scripted(editorResponder, QUIET);
