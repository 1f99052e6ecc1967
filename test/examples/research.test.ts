import { check, type RunEvent, runFlow, sequentialIds } from 'baton-flow';
import {
  agentDone,
  expectValidFlow,
  type FlowPath,
  flowPaths,
  manualClock,
  type PathStep,
  pathScript,
  scripted,
} from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { citeDraft, countWords } from '../../examples/research/citations.js';
import type {
  Article,
  Assignment,
  CitedDraft,
  DraftForReview,
  WritingTask,
} from '../../examples/research/contracts.js';
import { research, sampleInput } from '../../examples/research/flow.js';
import { researchModels } from '../../examples/research/models.js';
import { searchSources } from '../../examples/research/sources.js';

const deterministic = () => ({ clock: manualClock(), ids: sequentialIds() });

const describePath = (path: FlowPath) =>
  `${path.steps.map((s) => `${s.agent ?? s.state}:${s.decision}`).join(' ')} ⇒ ${path.end}`;

const transitions = (events: readonly RunEvent[]) =>
  events.flatMap((e) => (e.type === 'transition' ? [`${e.from} → ${e.to} (${e.kind})`] : []));

const sources = searchSources(sampleInput.topic);

/** A draft of the sample's sources that fits the word limit: each finding's first sentence. */
const shortDraft = {
  title: 'Heat pumps in cold climates',
  paragraphs: sources.map((s) => ({ text: `${s.finding.split('. ')[0]}.`, cites: [s.id] })),
};
const review: DraftForReview = { assignment: sampleInput, sources, draft: shortDraft };

/** The path of a run with one revision round: draft, cite, review, then the same again. */
const ONE_REVISION = ['researcher', 'writer', 'cite', 'editor', 'writer', 'cite', 'editor'];

describe('examples/research', () => {
  it('writes a cited article from the sample input after one revision round', async () => {
    const result = await runFlow(research, sampleInput, deterministic());
    expect(result.status).toBe('done');
    expect(result.path).toEqual([...ONE_REVISION, 'done']);
    if (result.status !== 'done') return;
    expect(result.output).toEqual({
      title: 'Heat pumps in cold climates: what the evidence says',
      body: [
        'Cold-climate heat pumps kept homes warm down to -25 °C in a two-winter field study. [1]',
        'Heating with a heat pump cost less than heating with a gas boiler in most of the homes studied. How much less depended mainly on local electricity and gas prices. [2]',
        'Poor sizing and installation cut heat pump efficiency by up to a third. A room-by-room heat-loss survey before installation avoided most of that loss. [3]',
      ].join('\n\n'),
      references: [
        { n: 1, id: 'S1', title: sources[0]!.title, url: sources[0]!.url },
        { n: 2, id: 'S2', title: sources[1]!.title, url: sources[1]!.url },
        { n: 3, id: 'S3', title: sources[2]!.title, url: sources[2]!.url },
      ],
      wordCount: 69,
    });
    expect(result.output.wordCount).toBeLessThanOrEqual(sampleInput.maxWords);
    expect(result.usage.handoffs).toBe(6);
  });

  it('shows the tool call and the editor sending the draft back in its events', async () => {
    const result = await runFlow(research, sampleInput, deterministic());
    const tools = result.events.flatMap((e) => (e.type === 'tool.called' ? [`${e.agent}: ${e.tool}`] : []));
    expect(tools).toEqual(['researcher: search_sources']);
    expect(transitions(result.events)).toEqual([
      'researcher → writer (handoff)',
      'writer → cite (handoff)',
      'cite → editor (handoff)',
      'editor → writer (handoff)',
      'writer → cite (handoff)',
      'cite → editor (handoff)',
      'editor → done (finish)',
    ]);
    const visits = result.events.flatMap((e) =>
      e.type === 'agent.entered' ? [`${e.agent} ${e.visit}`] : [],
    );
    expect(visits).toEqual([
      'researcher 1',
      'writer 1',
      'cite 1',
      'editor 1',
      'writer 2',
      'cite 2',
      'editor 2',
    ]);
  });

  it('escalates with handoff_limit when the editor never approves', async () => {
    const neverSatisfied = scripted((request) => {
      const input = request.input as CitedDraft;
      const task: WritingTask = {
        assignment: input.assignment,
        sources: input.sources,
        previous: input.draft,
        notes: [{ paragraph: 1, action: 'shorten', reason: 'Tighten the opening.' }],
      };
      return { handoff: 'writer', payload: task };
    });
    const result = await runFlow(research, sampleInput, {
      ...deterministic(),
      models: { editor: neverSatisfied },
    });
    expect(result.status).toBe('escalated');
    if (result.status === 'done') return;
    expect(result.reason).toMatchObject({ code: 'handoff_limit', agent: 'editor', mast: ['FM-1.5'] });
    expect(result.path).toEqual([...ONE_REVISION, 'escalated']);
    expect(neverSatisfied.requests).toHaveLength(2);
    // What it hands over is the last payload that passed its contract: the second checked draft.
    expect((result.partial as CitedDraft).article.references).toHaveLength(3);
  });

  it('fails at the cite step when the draft cites a source the researcher did not find', async () => {
    const inventive = scripted((request) => {
      const { assignment, sources } = request.input as WritingTask;
      const draft = { title: 'Heat pumps', paragraphs: [{ text: 'Heat pumps never fail.', cites: ['S9'] }] };
      return { handoff: 'cite', payload: { assignment, sources, draft } };
    });
    const editor = scripted([]);
    const result = await runFlow(research, sampleInput, {
      ...deterministic(),
      models: { writer: inventive, editor },
    });
    expect(result.status).toBe('failed');
    if (result.status === 'done') return;
    expect(result.reason).toMatchObject({ code: 'step_failed', agent: 'cite' });
    expect(result.reason.message).toContain('Paragraph 1 cites S9');
    expect(result.path).toEqual(['researcher', 'writer', 'cite', 'failed']);
    expect(editor.requests).toHaveLength(0);
  });

  it('refuses to finish with a reference the search never found', async () => {
    const fabricated: Article = {
      ...citeDraft(review).article,
      references: [{ n: 1, id: 'S1', title: 'A study', url: 'https://example.org/made-up' }],
    };
    const editor = scripted((): { finish: Article } => ({ finish: fabricated }));
    const result = await runFlow(research, sampleInput, { ...deterministic(), models: { editor } });
    expect(result.status).toBe('failed');
    if (result.status === 'done') return;
    expect(result.reason).toMatchObject({ code: 'done_unmet', agent: 'editor' });
    expect(result.reason.message).toContain('reference [1] (S1) is not a source the search finds');
    expect(result.reason.message).toContain('paragraph 2 cites [2], which is not in the references');
    // The unmet conditions went back to the editor once before the run failed.
    expect(editor.requests).toHaveLength(2);
    expect(result.events.filter((e) => e.type === 'transition' && e.kind === 'repair')).toHaveLength(1);
  });

  it('asks a person when the search finds no sources', async () => {
    const input: Assignment = { topic: 'Medieval falconry', audience: 'historians', maxWords: 100 };
    const result = await runFlow(research, input, deterministic());
    expect(result.status).toBe('escalated');
    if (result.status === 'done') return;
    expect(result.reason).toMatchObject({ code: 'needs_human', agent: 'researcher' });
    expect(result.path).toEqual(['researcher', 'escalated']);
  });

  it('passes its check with no diagnostics, strict schemas included', () => {
    expect(check(research, { strictSchemas: 'all' })).toEqual([]);
    expect(() => expectValidFlow(research, { failOnWarnings: true, strictSchemas: 'all' })).not.toThrow();
  });

  it('numbers citations by first use and counts words without the markers', () => {
    const cited = citeDraft({
      ...review,
      draft: {
        title: 'T',
        paragraphs: [
          { text: 'Second source first.', cites: ['S2'] },
          { text: 'Both.', cites: ['S1', 'S2'] },
        ],
      },
    });
    expect(cited.article.body).toBe('Second source first. [1]\n\nBoth. [2][1]');
    expect(cited.article.references.map((r) => `${r.n}:${r.id}`)).toEqual(['1:S2', '2:S1']);
    expect(cited.article.wordCount).toBe(4);
    expect(countWords('a [1] b [2][3]')).toBe(2);
  });

  it('runs every path that flowPaths lists to its final state', async () => {
    const paths = flowPaths(research);
    expect(paths.filter((p) => p.end === 'done').map(describePath)).toEqual([
      'start:start researcher:handoff writer:handoff cite:handoff editor:finish ⇒ done',
    ]);
    // Four participants, each of which can escalate, run past the deadline, fail, error or be
    // cancelled; plus invalid input and the one way to done.
    expect(paths).toHaveLength(22);

    const bad = { ...review, draft: { title: 'T', paragraphs: [{ text: 'Made up.', cites: ['S9'] }] } };
    for (const path of paths) {
      const last = path.steps.at(-1)!;
      const name = describePath(path);
      const atStep = last.agent === 'cite';
      if (atStep && last.decision === 'error') {
        expectStepErrorPath(path);
        continue;
      }
      // The code step decides by its own code: the script covers the agents before it, and the
      // writer's draft or the clock makes the step take the path's last decision.
      const scriptedPart = atStep ? { ...path, steps: path.steps.slice(0, -1) } : path;
      const model = scripted(
        pathScript(research, scriptedPart, {
          payload: ({ to }) =>
            to === 'writer'
              ? { assignment: sampleInput, sources, previous: null, notes: [] }
              : atStep && last.decision === 'fail'
                ? bad
                : review,
          output: () => citeDraft(review).article,
        }),
      );
      const controller = new AbortController();
      const clock = manualClock();
      const input = last.agent === null ? { ...sampleInput, topic: ' ' } : sampleInput;
      const result = await runFlow(research, input, {
        models: model,
        clock,
        ids: sequentialIds(),
        signal: controller.signal,
        onEvent: (event) => {
          const starts = atStep
            ? event.type === 'agent.entered' && event.agent === 'cite'
            : event.type === 'model.called' && event.agent === last.agent;
          if (!starts) return;
          if (last.decision === 'cancel') controller.abort();
          if (last.decision === 'deadline') queueMicrotask(() => clock.advance(research.limits.ms));
          // The step ends at the deadline without the deadline timer firing: its own verdict escalates.
          if (atStep && last.decision === 'escalate') clock.set(research.limits.ms);
        },
      });
      expect(result.status, name).toBe(path.end);
      expect(result.path, name).toEqual(path.steps.map((s) => s.to));
      if (result.status !== 'done') {
        expect(result.reason.code, name).toBe(expectedCode(last));
        expect(result.reason.agent, name).toBe(last.agent);
      }
      model.assertComplete();
    }
  });

  it('gives the same events for the same input', async () => {
    const first = await runFlow(research, sampleInput, { ...deterministic(), models: researchModels() });
    const second = await runFlow(research, sampleInput, { ...deterministic(), models: researchModels() });
    expect(first.events.length).toBeGreaterThan(20);
    expect(JSON.stringify(second.events)).toBe(JSON.stringify(first.events));
    // The agents' own models, shared by every run, take the same decisions too.
    const shared = await runFlow(research, sampleInput, deterministic());
    expect(transitions(shared.events)).toEqual(transitions(first.events));
    expect(shared.status === 'done' && shared.output).toEqual(first.status === 'done' && first.output);
  });
});

/** The reason a path's last decision ends with. */
function expectedCode(last: PathStep): string {
  if (last.agent === null) return 'invalid_input';
  const codes: Record<string, string> =
    last.agent === 'cite'
      ? { escalate: 'deadline', fail: 'step_failed', cancel: 'cancelled', deadline: 'deadline' }
      : {
          escalate: 'turn_limit',
          fail: 'tool_not_allowed',
          error: 'provider_error',
          cancel: 'cancelled',
          deadline: 'deadline',
        };
  return codes[last.decision] ?? `no code for ${last.decision}`;
}

/**
 * A code step's actor fails only on a defect (its own throws are `step_failed`), so that path is taken
 * with XState's pure `transition`: no actor runs.
 */
function expectStepErrorPath(path: FlowPath): void {
  const [start] = initialTransition(research.machine, { input: sampleInput });
  const task: WritingTask = { assignment: sampleInput, sources, previous: null, notes: [] };
  const [atWriter] = transition(
    research.machine,
    start,
    agentDone('researcher', { kind: 'handoff', to: 'writer', payload: task, callId: 'call_1' }),
  );
  const [atCite] = transition(
    research.machine,
    atWriter,
    agentDone('writer', { kind: 'handoff', to: 'cite', payload: review, callId: 'call_2' }),
  );
  expect(atCite.value).toBe('cite');
  const [failed] = transition(research.machine, atCite, {
    type: 'xstate.error.actor.cite',
    error: new Error('defect'),
  });
  expect(failed.value).toBe('failed');
  expect(failed.context.path).toEqual(path.steps.map((s) => s.to));
  // A code step has no provider: its actor failing ends the run as its own failure.
  expect(failed.context.ending).toMatchObject({
    status: 'failed',
    reason: { agent: 'cite', code: 'step_failed', message: 'Code step "cite" failed: defect' },
  });
}
