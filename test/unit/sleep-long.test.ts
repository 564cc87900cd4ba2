import { MAX_TIMER_MS, sleepLong } from '../../src/cli/sleep-long';

/** `jobs wait --timeout 2147484` returned at once: a Node timer of more than 2^31 - 1 ms fires at once. */
describe('sleepLong', () => {
  afterEach(() => jest.useRealTimers());

  it('sleeps past what one timer holds, and no longer', async () => {
    jest.useFakeTimers();
    let woke = false;
    const ms = 2_147_484_000; // jobs wait --timeout 2147484: one timer's most, and 353 ms more
    void sleepLong(ms, new AbortController().signal).then(() => (woke = true));
    await jest.advanceTimersByTimeAsync(1000);
    expect(woke).toBe(false); // a single timer would have fired at once
    await jest.advanceTimersByTimeAsync(MAX_TIMER_MS - 1000);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(ms - MAX_TIMER_MS - 1);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
  });

  it('ends when its signal aborts', async () => {
    jest.useFakeTimers();
    const abort = new AbortController();
    let woke = false;
    void sleepLong(10 * MAX_TIMER_MS, abort.signal).then(() => (woke = true));
    abort.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(woke).toBe(true);
  });
});
