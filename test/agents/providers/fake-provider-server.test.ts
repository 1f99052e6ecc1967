import { describe, expect, it } from 'vitest';
import { fakeProviderServerPerTest } from '../../helpers/fake-provider-server.js';

// The provider tests trust the fake server to keep each test's requests and answers to that test.
const server = fakeProviderServerPerTest();

const post = (url: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

let earlier: { url: string; abandoned: Promise<unknown> } | undefined;

describe('the fake provider server', () => {
  it('answers a request addressed to it from its queue, and records it', async () => {
    server.enqueue({ body: { ok: 1 } });
    const response = await post(`${server.openaiURL}/responses`);
    expect(await response.json()).toEqual({ ok: 1 });
    expect(server.requests.map(({ path, body }) => ({ path, body }))).toEqual([
      { path: '/v1/responses', body: {} },
    ]);
  });

  it('refuses a request without its token, which takes no queued answer', async () => {
    server.enqueue({ body: { ok: 1 } });
    const { origin } = new URL(server.url);
    const response = await post(`${origin}/v1/responses`);
    expect(response.status).toBe(404);
    expect(server.requests).toHaveLength(0);
    expect(server.pending).toBe(1);
  });

  it('leaves a test with a request in flight and an answer queued', async () => {
    server.enqueue({ hang: true }, { body: { stale: true } });
    const abandoned = post(`${server.openaiURL}/responses`).catch((e: unknown) => e);
    await server.received(1);
    earlier = { url: server.openaiURL, abandoned };
  });

  it('gives the next test a server of its own: nothing queued, nothing received, the old one closed', async () => {
    expect(earlier).toBeDefined();
    expect(server.openaiURL).not.toBe(earlier?.url);
    expect(server.requests).toHaveLength(0);
    expect(server.pending).toBe(0);
    // The request left hanging was cut when its test ended, and its server takes no more.
    expect(await earlier?.abandoned).toBeInstanceOf(Error);
    await expect(post(`${earlier?.url}/responses`)).rejects.toThrow();
  });
});
