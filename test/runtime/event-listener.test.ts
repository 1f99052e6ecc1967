import { isBatonError, MemoryStore, type RunEvent, type RunResult, runFlow, SqliteStore } from 'baton-flow';
import { describe, expect, it } from 'vitest';
import { chainFlow, chainModel, work } from '../helpers/flows.js';

// An onEvent listener is the caller's code: what it does to the events it is handed must not reach the
// run's own log, nor what a store keeps of it.

const chain = () => chainModel();

/** A listener that "redacts" each handoff's payload for its own logging, in place. */
function redacting(seen: RunEvent[]) {
  return (event: RunEvent) => {
    seen.push(event);
    if (event.type === 'transition' && event.kind === 'handoff') {
      const loose = event as { payload?: unknown; kind: string };
      delete loose.payload;
      loose.kind = 'tampered';
    }
  };
}

/** What the test reads of a run's result, stored or not. */
type Ran = Pick<RunResult, 'runId' | 'events'> & { readonly status: string };

/** The run's result, from its resolution or from the listener_failed error that holds it. */
async function settled(running: Promise<Ran>): Promise<{ result: Ran; code: string | null }> {
  try {
    return { result: await running, code: null };
  } catch (error) {
    if (!isBatonError(error)) throw error;
    return { result: (error.details as { result: Ran }).result, code: error.code };
  }
}

const handoffs = (events: readonly RunEvent[]) =>
  events.filter((e) => e.type === 'transition' && (e.kind === 'handoff' || e.kind === ('tampered' as never)));

describe('an onEvent listener that changes the events it is handed', () => {
  it('changes neither the run’s events nor what a store keeps: the change fails the listener', async () => {
    for (const store of [undefined, new MemoryStore(), await SqliteStore.open(':memory:')]) {
      const seen: RunEvent[] = [];
      const { result, code } = await settled(
        runFlow(chainFlow(), work(0), {
          models: chain(),
          onEvent: redacting(seen),
          ...(store ? { store } : {}),
        }),
      );
      expect(code).toBe('listener_failed');
      expect(result.status).toBe('done');
      // The listener got the first handoff, failed on it, and was not called again.
      expect(seen.filter((e) => e.type === 'transition').map((e) => (e as { kind: string }).kind)).toEqual([
        'handoff',
      ]);
      const kept = handoffs(result.events);
      expect(kept.map((e) => [e.type === 'transition' && e.kind, 'payload' in e])).toEqual(
        Array.from({ length: 4 }, () => ['handoff', true]),
      );
      if (store) {
        const stored = handoffs(await store.events(result.runId));
        expect(stored).toEqual(kept);
        await store.close();
      }
    }
  });

  it('hands a listener that only reads every event, frozen, and the run resolves', async () => {
    const seen: RunEvent[] = [];
    const result = await runFlow(chainFlow(), work(0), { models: chain(), onEvent: (e) => seen.push(e) });
    expect(result.status).toBe('done');
    expect(seen.length).toBe(result.events.length);
    expect(seen.every((e) => Object.isFrozen(e))).toBe(true);
  });
});
