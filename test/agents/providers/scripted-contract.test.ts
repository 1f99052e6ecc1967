import { scripted } from '../../../agents/providers/scripted.js';
import { modelContract } from './model-contract.js';

modelContract('scripted', (scenario) => {
  switch (scenario.kind) {
    case 'tool_call':
      return scripted([{ tool: scenario.tool, args: scenario.args, usage: scenario.usage }]);
    case 'malformed':
      return scripted([
        {
          reply: {
            text: '',
            toolCalls: [{ id: 'call_1', name: scenario.tool, arguments: scenario.raw, malformed: true }],
            stop: 'tool_calls',
          },
          usage: scenario.usage,
        },
      ]);
    case 'length':
      return scripted([{ text: 'The answer is', stop: 'length', usage: scenario.usage }]);
    case 'hang':
      return scripted([{ hang: true }]);
  }
});
