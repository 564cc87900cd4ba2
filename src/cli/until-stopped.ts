/** Resolves on Ctrl-C or SIGTERM: how a command that serves until stopped waits before it closes. */
export const untilStopped = () =>
  new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
