// Mastra with its LibSQL storage (@mastra/libsql): the `mastra` workflow registered in a Mastra instance
// whose storage is a LibSQLStore on a file, so every run's snapshot is persisted as it goes. LibSQLStore
// sets synchronous=NORMAL on its connection; the row sets it back to FULL, the setting of every durable
// row here (NORMAL does not sync at each commit: see docs/durability.md).

import { checkPragmas, makeCounts, tempDatabase } from '../lib/sqlite-files.mjs';
import { chainOf, PARK_AT, work } from '../lib/workload.mjs';
import { WorkZod } from '../lib/zod-work.mjs';

export const row = {
  id: 'mastra-libsql',
  label: 'Mastra workflow + LibSQLStore (WAL, synchronous=FULL)',
  packages: ['@mastra/core', '@mastra/libsql', 'zod'],
  async setup({ agents, gate }) {
    const { Mastra } = await import('@mastra/core/mastra');
    const { createStep, createWorkflow } = await import('@mastra/core/workflows');
    const { LibSQLStore } = await import('@mastra/libsql');
    const names = chainOf(agents);
    let workflow = createWorkflow({
      id: `chain${agents}`,
      inputSchema: WorkZod,
      outputSchema: WorkZod,
      options: { validateInputs: true },
    });
    for (const name of names) {
      const step = createStep({
        id: name,
        inputSchema: WorkZod,
        outputSchema: WorkZod,
        execute: async ({ inputData }) => {
          if (name === PARK_AT) {
            const wait = gate.pass();
            if (wait) await wait;
          }
          return work(name, inputData);
        },
      });
      workflow = workflow.then(step);
    }
    workflow.commit();
    const storage = new LibSQLStore({ url: `file:${tempDatabase('mastra')}` });
    const mastra = new Mastra({ workflows: { [`chain${agents}`]: workflow }, storage, logger: false });
    await storage.init();
    // Let its own pragma settings land first, then hold it to the comparison's.
    await storage.stores.workflows.setupPragmaSettings();
    await storage.client.execute('PRAGMA synchronous = FULL');
    const pragmas = {};
    for (const name of ['journal_mode', 'synchronous'])
      pragmas[name] = Object.values((await storage.client.execute(`PRAGMA ${name}`)).rows[0])[0];
    checkPragmas((name) => pragmas[name]);
    // Each snapshot is one INSERT OR REPLACE (its own transaction).
    const counts = makeCounts();
    const workflows = storage.stores.workflows;
    const persist = workflows.persistWorkflowSnapshot.bind(workflows);
    workflows.persistWorkflowSnapshot = (...args) => {
      counts.transitions += 1;
      counts.transactions += 1;
      return persist(...args);
    };
    const registered = mastra.getWorkflow(`chain${agents}`);
    const run = async (input) => {
      const started = await registered.createRunAsync();
      const result = await started.start({ inputData: input });
      if (result.status !== 'success') throw new Error(`mastra run ended ${result.status}: ${result.error}`);
      return result.result;
    };
    run.counts = counts;
    return run;
  },
};
