import { describe, expect, it } from 'vitest';
import type { Model } from '../../../agents/model.js';
import { isBatonError } from '../../../contracts/errors.js';
import type { FakeProviderServer, FakeResponse } from '../../helpers/fake-provider-server.js';
import { contractRequest } from './model-contract.js';

/**
 * What every SDK-backed provider keeps while its SDK waits out a `retry-after`: the run's deadline or a
 * cancel (the request's signal) ends the call at once, and no request is sent after the abort.
 */

/** How one provider is set up against the fake server for the retry-wait tests. */
export interface RetryWaitSetup {
  server(): FakeProviderServer;
  /** The provider, retrying once. */
  model(): Model;
  /** A 429 in the provider's format with these headers. */
  rateLimited(headers: Readonly<Record<string, string>>): FakeResponse;
  /** A good answer the retry would get. */
  reply(): FakeResponse;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Registers the retry-wait tests for one provider. */
export function retryWaitContract(name: string, setup: RetryWaitSetup): void {
  describe(`${name} while it waits to retry`, () => {
    // The 2 s timeout is the proof: without the abort, the call would wait out the 5 s of `retry-after`.
    it('rejects with aborted at once when the signal fires, and sends no further request', {
      timeout: 2_000,
    }, async () => {
      const server = setup.server();
      server.enqueue(setup.rateLimited({ 'retry-after': '5' }), setup.reply());
      const controller = new AbortController();
      const pending = setup
        .model()
        .call(contractRequest(controller.signal))
        .catch((e: unknown) => e);
      await server.received(1);
      setTimeout(() => controller.abort(), 100);
      const error = await pending;
      expect(isBatonError(error) && error.code).toBe('aborted');
      await sleep(150);
      expect(server.requests).toHaveLength(1);
      expect(server.pending).toBe(1);
    });

    it('sends no request when its wait ends after the abort', { timeout: 2_000 }, async () => {
      const server = setup.server();
      server.enqueue(setup.rateLimited({ 'retry-after-ms': '80' }), setup.reply());
      const controller = new AbortController();
      const pending = setup
        .model()
        .call(contractRequest(controller.signal))
        .catch((e: unknown) => e);
      // Abort once the 429 is answered and the SDK is waiting to retry.
      await server.received(1);
      expect(await server.requests[0]?.settled).toBe('answered');
      await sleep(20);
      controller.abort();
      const error = await pending;
      expect(isBatonError(error) && error.code).toBe('aborted');
      // Past the 80 ms the SDK would have waited: it looked at the signal and did not send.
      await sleep(150);
      expect(server.requests).toHaveLength(1);
    });
  });
}
