import { defineAgent, defineFlow, defineStep, defineTool } from 'baton-flow';
import { articleProblems, citeDraft } from './citations.js';
import { Article, Assignment, CitedDraft, DraftForReview, SearchQuery, WritingTask } from './contracts.js';
import { editorModel, researcherModel, writerModel } from './models.js';
import { searchSources } from './sources.js';

const searchTool = defineTool({
  name: 'search_sources',
  description: 'Searches the source library for a topic and returns up to three sources with their findings.',
  input: SearchQuery,
  run: ({ input }) => ({ sources: searchSources(input.query) }),
});

const researcher = defineAgent({
  name: 'researcher',
  description: 'Finds sources on a topic and briefs the writer with them.',
  input: Assignment,
  instructions:
    'Search for sources on the topic, then hand the writer the assignment and every source you found, with no previous draft and no notes. If the search finds nothing, ask which topic to research instead.',
  model: researcherModel,
  tools: [searchTool],
  ask: true,
  budget: { turns: 3, tokens: 6_000, maxOutputTokens: 1_024 },
});

const writer = defineAgent({
  name: 'writer',
  description:
    'Writes a short article from sources, citing a source in every paragraph, or revises a draft by the notes given.',
  input: WritingTask,
  instructions:
    'Write one paragraph per finding and cite the ids of the sources each rests on. On a revision, apply every note to the paragraph it names and change nothing else. Hand the draft to the citation check.',
  model: writerModel,
  budget: { turns: 2, tokens: 8_000, maxOutputTokens: 2_048 },
});

const cite = defineStep({
  name: 'cite',
  description:
    'Checks that every citation names a source the researcher found, numbers the citations, builds the references and counts the words.',
  input: DraftForReview,
  output: CitedDraft,
  run: ({ input }) => citeDraft(input),
});

const editor = defineAgent({
  name: 'editor',
  description:
    'Reviews a checked article and publishes it, or sends the draft back to the writer with notes.',
  input: CitedDraft,
  output: Article,
  instructions:
    'Cut paragraphs that only restate others and keep the article within its word limit. If anything needs changing, hand the draft back to the writer with one note per paragraph; otherwise finish with the article as it is.',
  model: editorModel,
  budget: { turns: 2, tokens: 8_000, maxOutputTokens: 2_048 },
});

/**
 * The research flow: the researcher searches and briefs the writer, the `cite` code step checks and
 * numbers the draft's citations, and the editor publishes it or sends it back once with typed notes.
 */
export const research = defineFlow({
  id: 'research',
  description: 'Researches a topic and writes a short article in which every paragraph cites a source.',
  input: Assignment,
  output: Article,
  start: 'researcher',
  agents: [researcher, writer, cite, editor],
  routes: { researcher: ['writer'], writer: ['cite'], cite: ['editor'], editor: ['writer'] },
  finish: ['editor'],
  done: ({ input, output }) => articleProblems(input, output),
  // Two visits per agent: the editor can send a draft back once. Six handoffs are the longest run that
  // allows (researcher → writer → cite → editor → writer → cite → editor), so a second send-back
  // escalates as `handoff_limit` before the writer is paid for a third draft.
  limits: { handoffs: 6, visits: 2, repairs: 1, turns: 12, tokens: 30_000, ms: 60_000 },
});

/** The input `baton run examples/research` uses when no --input is given. */
export const sampleInput: Assignment = {
  topic: 'Heat pumps in cold climates',
  audience: 'homeowners',
  maxWords: 80,
};

export default research;
