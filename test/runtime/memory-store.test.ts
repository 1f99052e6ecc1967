import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../runtime/store/memory-store.js';
import { storeArgumentsContract } from './store-arguments-contract.js';
import { storeContract, usage } from './store-contract.js';

storeContract('MemoryStore', async () => ({ store: new MemoryStore() }));
storeArgumentsContract('MemoryStore', async () => ({ store: new MemoryStore() }));

describe('MemoryStore', () => {
  it('keeps each store to itself', async () => {
    const first = new MemoryStore();
    const second = new MemoryStore();
    await first.create({
      id: 'run-1',
      flow: 'support',
      flowVersion: '1',
      snapshot: {
        format: 'baton.snapshot',
        schema: 1,
        flow: 'support',
        flowVersion: '1',
        machine: 'm',
        states: [],
        snapshot: {},
      },
      usage: usage(0),
      lease: { holder: 'worker-a', expiresAt: 1 },
      events: [],
      at: 0,
    });
    expect(await second.get('run-1')).toBeNull();
    expect(await first.get('run-1')).toMatchObject({ id: 'run-1' });
  });
});
