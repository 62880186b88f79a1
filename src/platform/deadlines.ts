/**
 * Waiting with a bound. A store or Redis that does not answer must not hold a shutdown, a request or
 * a background pass: these give up waiting (the late outcome is dropped, never awaited).
 */

/** True when `promise` settles within `ms` (its outcome is the caller's business). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  return (await valueWithin(settled, ms)) ?? false;
}

/** The value of `promise`, or undefined when it fails or takes longer than `ms`. */
export async function valueWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
