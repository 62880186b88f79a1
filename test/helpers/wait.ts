import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads until `done` holds for the value read, or `timeoutMs` has passed; returns the last value read
 * either way, so that the caller's assertion on it says what was there instead of "timed out". The one
 * polling loop of the suites: work done by workers, relays and other processes lands a moment after the
 * call that caused it.
 */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}
