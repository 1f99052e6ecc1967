// Mastra workflows: five steps chained with `.then()`, zod schemas on every step and `validateInputs`
// on, so each payload is validated as in the ajv rows. Standalone (no Mastra instance, no storage).
import { chainOf, PARK_AT, work } from '../lib/workload.mjs';
import { WorkZod } from '../lib/zod-work.mjs';

export const row = {
  id: 'mastra',
  label: 'Mastra workflow (5 steps)',
  packages: ['@mastra/core', 'zod'],
  async setup({ agents, gate }) {
    const { createStep, createWorkflow } = await import('@mastra/core/workflows');
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
    return async (input) => {
      const run = await workflow.createRunAsync();
      const result = await run.start({ inputData: input });
      if (result.status !== 'success') throw new Error(`mastra run ended ${result.status}: ${result.error}`);
      return result.result;
    };
  },
};
