/** The longest delay a Node timer takes: a longer one fires at once (with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Sleeps `ms`, however long (`jobs wait --timeout` of more than about 24.8 days), in parts no timer refuses.
 * Resolves early, without error, when `signal` aborts.
 */
export function sleepLong(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', end);
      resolve();
    };
    const wait = (left: number) => {
      if (left <= 0) return end();
      timer = setTimeout(() => wait(left - MAX_TIMER_MS), Math.min(left, MAX_TIMER_MS));
    };
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', end);
    wait(ms);
  });
}
