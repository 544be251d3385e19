import type { ReadAllOptions, RecordedEvent, Subscription } from './event-store.port.js';

export interface AppendSignal {
  /** Grows with every append signalled; read it before a read so that no signal falls between read and wait. */
  readonly generation: number;
  /** Resolves at once if an append was signalled since `generation`, else at the next one or after `timeoutMs`. */
  wait(generation: number, timeoutMs: number, abort: AbortSignal): Promise<void>;
}

export interface PollingSubscriptionOptions {
  readonly fromPosition?: bigint;
  readonly batchSize?: number;
  /** Upper bound on how long a live subscription waits before looking again without a signal. */
  readonly idleMs?: number;
}

/**
 * Catch-up-then-live subscription over `readAll`: it pages through the log from its position and, once at
 * the end, waits for an append signal (or a timeout, which covers writers in other processes).
 * It only ever moves past what `readAll` returned, so it is exactly as gap-free as `readAll` is.
 */
export class PollingSubscription implements Subscription {
  private readonly abort = new AbortController();

  constructor(
    private readonly readAll: (options: ReadAllOptions) => Promise<RecordedEvent[]>,
    private readonly signal: AppendSignal,
    private readonly options: PollingSubscriptionOptions = {},
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let position = this.options.fromPosition;
    const maxCount = this.options.batchSize ?? 1000;
    while (!this.abort.signal.aborted) {
      const generation = this.signal.generation;
      const batch = await this.readAll(
        position === undefined ? { maxCount } : { fromPosition: position, maxCount },
      );
      for (const event of batch) {
        if (this.abort.signal.aborted) return;
        yield event;
        position = event.position;
      }
      if (batch.length < maxCount) {
        await this.signal.wait(generation, this.options.idleMs ?? 500, this.abort.signal);
      }
    }
  }

  close(): Promise<void> {
    this.abort.abort();
    return Promise.resolve();
  }
}

/** Wakes in-process subscribers right after a local commit; other processes' writes are seen by the timeout. */
export class LocalAppendSignal implements AppendSignal {
  private waiters = new Set<() => void>();
  generation = 0;

  notify(): void {
    this.generation++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  wait(generation: number, timeoutMs: number, abort: AbortSignal): Promise<void> {
    if (abort.aborted || generation !== this.generation) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
