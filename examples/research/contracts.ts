import Type, { type Static } from 'typebox';

// Every schema here fits OpenAI's strict mode (all properties required, no extra ones, `pattern` rather
// than `minLength`), so the same flow runs on a real model with `--model openai:<model>`.

const Text = Type.String({ pattern: '\\S' });

/** A source's id as the search tool gives it: `S` and a number. */
export const SourceId = Type.String({ pattern: '^S[0-9]+$' });

/** What the flow is asked to write: the topic, who reads it, and how long it may be. */
export const Assignment = Type.Object(
  {
    topic: Text,
    audience: Text,
    maxWords: Type.Integer({ minimum: 20, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type Assignment = Static<typeof Assignment>;

/** A source the researcher found with the search tool, and the finding it reports. */
export const Source = Type.Object(
  { id: SourceId, title: Text, url: Text, finding: Text },
  { additionalProperties: false },
);
export type Source = Static<typeof Source>;

/** One paragraph of a draft: a claim and the ids of the sources it rests on (at least one). */
export const Paragraph = Type.Object(
  { text: Text, cites: Type.Array(SourceId, { minItems: 1 }) },
  { additionalProperties: false },
);

/** A draft as the writer hands it on: a title and cited paragraphs, with no numbering yet. */
export const Draft = Type.Object(
  { title: Text, paragraphs: Type.Array(Paragraph, { minItems: 1 }) },
  { additionalProperties: false },
);
export type Draft = Static<typeof Draft>;

/** An editor's note on one paragraph (numbered from 1): cut it, or shorten it to its first sentence. */
export const Note = Type.Object(
  {
    paragraph: Type.Integer({ minimum: 1 }),
    action: Type.Union([Type.Literal('cut'), Type.Literal('shorten')]),
    reason: Text,
  },
  { additionalProperties: false },
);
export type Note = Static<typeof Note>;

/**
 * What the writer needs, and nothing else: the assignment, the sources, and on a revision the previous
 * draft with the editor's notes. The researcher sends `previous: null` and no notes; the editor sends both.
 */
export const WritingTask = Type.Object(
  {
    assignment: Assignment,
    sources: Type.Array(Source, { minItems: 1 }),
    previous: Type.Union([Draft, Type.Null()]),
    notes: Type.Array(Note),
  },
  { additionalProperties: false },
);
export type WritingTask = Static<typeof WritingTask>;

/** A draft for the citation check: the draft with the assignment and the sources it may cite. */
export const DraftForReview = Type.Object(
  { assignment: Assignment, sources: Type.Array(Source, { minItems: 1 }), draft: Draft },
  { additionalProperties: false },
);
export type DraftForReview = Static<typeof DraftForReview>;

/** A numbered reference of the article. */
export const Reference = Type.Object(
  { n: Type.Integer({ minimum: 1 }), id: SourceId, title: Text, url: Text },
  { additionalProperties: false },
);
export type Reference = Static<typeof Reference>;

/** The flow's result: the article with numbered citations, its references and its word count. */
export const Article = Type.Object(
  {
    title: Text,
    body: Text,
    references: Type.Array(Reference, { minItems: 1 }),
    wordCount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Article = Static<typeof Article>;

/** What the editor reviews: the checked article, and the draft and sources it came from (for a revision). */
export const CitedDraft = Type.Object(
  {
    assignment: Assignment,
    sources: Type.Array(Source, { minItems: 1 }),
    draft: Draft,
    article: Article,
  },
  { additionalProperties: false },
);
export type CitedDraft = Static<typeof CitedDraft>;

/** The search tool's arguments. */
export const SearchQuery = Type.Object({ query: Text }, { additionalProperties: false });
