import type { EventStore } from '#libs/event-store';

export type AppendListener = (seconds: number) => void;

/**
 * How long each append to the log takes, as seen by its callers: operations metrics listen here, so the store
 * adapters stay free of any metrics library.
 */
export class AppendTimings {
  private readonly listeners: AppendListener[] = [];

  onAppend(listener: AppendListener): void {
    this.listeners.push(listener);
  }

  record(seconds: number): void {
    for (const listener of this.listeners) listener(seconds);
  }
}

/** The same store, with every append (succeeded or refused) timed into `timings`. */
export function timedEventStore(store: EventStore, timings: AppendTimings): EventStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'append') return (value as (...args: unknown[]) => unknown).bind(target);
      return async (...args: Parameters<EventStore['append']>) => {
        const started = performance.now();
        try {
          return await target.append(...args);
        } finally {
          timings.record((performance.now() - started) / 1000);
        }
      };
    },
  });
}
