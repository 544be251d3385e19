/**
 * Runs `work` every `intervalMs`, never two runs at once (a slow run makes the next ticks wait, not pile up),
 * without keeping the process alive. A failed run is reported to `onError` and the next tick tries again.
 * `stop` waits for a run in progress, so that nothing is half-done when the stores close.
 */
export function runPeriodically(
  intervalMs: number,
  work: () => Promise<unknown>,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= work()
      .then(() => undefined, onError)
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
