/**
 * Letting a caller go when its signal aborts, without waiting for work it can no longer use: shared by the
 * concurrency limit of every model (llm.ts) and the embedded model's load and lock (llamaCpp.ts).
 */

/**
 * While a call waits for a concurrency slot, its abort must not wait for the calls ahead of it: reject at
 * once (the queued body then sees the aborted signal and returns without a request). Once running, the body
 * itself stops on the signal (the SDK aborts the fetch), so its own rejection, recorded in the ledger first,
 * is what the caller gets.
 */
export function abortWhileQueued<T>(
  work: Promise<T>,
  signal: AbortSignal,
  started: () => boolean,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (!started()) reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/**
 * `work`, or the signal's reason as soon as it aborts (also when it already has): for waits that never need
 * to finish for the caller, such as a model load that goes on and is kept for the next call.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return abortWhileQueued(work, signal, () => false);
}
