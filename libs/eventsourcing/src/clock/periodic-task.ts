import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

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

/**
 * A service whose work runs periodically while the application runs (`runPeriodically`): started once the
 * application is up, stopped, after the run in progress, before the stores close. A failed run is logged by
 * its error's name only, since the error may carry personal data.
 */
export abstract class PeriodicService implements OnApplicationBootstrap, OnApplicationShutdown {
  private task: { stop(): Promise<void> } | undefined;

  protected constructor(
    private readonly intervalMs: number,
    protected readonly logger: Logger,
    /** What the warning says when a run fails. */
    private readonly failure: string,
  ) {}

  /** One run of the work. */
  protected abstract runOnce(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.task = runPeriodically(
      this.intervalMs,
      () => this.runOnce(),
      (error) => this.logger.warn(`${this.failure}: ${(error as Error).name}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
