// What the workers benchmark wraps around a store and a model: commit timings, and a provider's latency.
import type { Model, Store } from 'baton-flow';

/** Times every `commit` of the store from now on; the returned list fills as it commits (ms each). */
export function timeCommits(store: Store): number[] {
  const timings: number[] = [];
  const commit = store.commit.bind(store);
  store.commit = async (entry) => {
    const t0 = performance.now();
    try {
      return await commit(entry);
    } finally {
      timings.push(performance.now() - t0);
    }
  };
  return timings;
}

/** The model, with every call taking `ms` longer, as a provider's round trip does. */
export function slowed(model: Model, ms: number): Model {
  if (ms <= 0) return model;
  return {
    id: model.id,
    call: async (request) => {
      await new Promise((done) => setTimeout(done, ms));
      return model.call(request);
    },
  };
}
