// A worker process of the workers benchmark (bench/workers.ts), run as
// `node --import tsx bench/lib/worker-process.ts <postgres url> <schema> <id> <concurrency> <model ms>`.
// It advances runs of the support example on its offline models, each call taking `model ms` (a
// provider's latency), times every commit the store makes, prints STARTED once it takes jobs, and on a
// line `stop` on stdin stops and prints `BENCH_RESULT {"commits": [ms, ...]}`.
import type { Model } from 'baton-flow';
import { PostgresStore, startWorker } from 'baton-flow/postgres';
import { support } from '../../examples/support/flow.js';
import { billingModel, techModel, triageModel } from '../../examples/support/models.js';
import { slowed, timeCommits } from './store-timing.js';

const [url, schema, id, concurrency, ms] = process.argv.slice(2) as [string, string, string, string, string];
const delay = Number(ms);
const models: Record<string, Model> = {
  triage: slowed(triageModel, delay),
  billing: slowed(billingModel, delay),
  tech: slowed(techModel, delay),
};
const store = await PostgresStore.open(url, { schema });
const commits = timeCommits(store);
const worker = await startWorker({ store, flows: [support], models, concurrency: Number(concurrency), id });
process.stdout.write('STARTED\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (line: string) => {
  if (!line.includes('stop')) return;
  await worker.stop({ graceMs: 0 });
  await store.close();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ commits })}\n`);
  process.exit(0);
});
