/**
 * Settles like `work`, or rejects with the signal's reason as soon as the signal aborts, whatever `work`
 * is waiting for. The `openai` SDK (6.x) sleeps out a `retry-after` without looking at the signal, and
 * only checks it before the next attempt: raced here, a deadline or a cancel ends the call at once, and
 * the SDK still sends no further request. A `work` that fails after the abort is not left unhandled.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
