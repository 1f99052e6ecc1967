import { describe, expect, it } from 'vitest';
import { untilAborted } from '../../agents/until-aborted.js';

describe('untilAborted()', () => {
  const never = new Promise<never>(() => undefined);

  it('settles as the work does while the signal stays quiet', async () => {
    const signal = new AbortController().signal;
    await expect(untilAborted(Promise.resolve(7), signal)).resolves.toBe(7);
    const failure = new Error('429');
    await expect(untilAborted(Promise.reject(failure), signal)).rejects.toBe(failure);
  });

  it("rejects with the signal's reason as soon as it aborts, while the work still waits", async () => {
    const controller = new AbortController();
    const raced = untilAborted(never, controller.signal);
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(raced).rejects.toBe(reason);
  });

  it("rejects at once for a signal already aborted, and leaves the work's later failure handled", async () => {
    const controller = new AbortController();
    controller.abort('cancelled');
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<never>((_, reject) => {
      fail = reject;
    });
    await expect(untilAborted(work, controller.signal)).rejects.toBe('cancelled');
    // An unhandled rejection here would fail the test run.
    fail(new Error('APIUserAbortError'));
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
