import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { CLOCK, EVENT_STORE, PeriodicService, type Clock, type EventMetadata } from '#libs/eventsourcing';
import {
  validationTallyStream,
  type SignatureValidationsTallied,
  type ValidationCount,
} from '../domain/validation-tally.events.js';
import type { ValidationReport } from './validation-report.js';

export const TALLY_FLUSH_MS = 10_000;

/**
 * Counts validation reports by result in memory (the validation's hot path is one map increment) and appends
 * the counts as one `SignatureValidationsTallied` every 10 s when there are any, and on shutdown.
 */
@Injectable()
export class ValidationTally extends PeriodicService {
  private counts = new Map<string, number>();
  private since: Date;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(TALLY_FLUSH_MS, new Logger('ValidationTally'), 'validation tally not written, kept for the next');
    this.since = clock.now();
  }

  count(report: Pick<ValidationReport, 'indication' | 'subIndication'>): void {
    const key = `${report.indication}/${report.subIndication ?? ''}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  protected runOnce(): Promise<void> {
    return this.flush();
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    await this.flush();
  }

  /** Appends what was counted since the last tally; flushes run one after another, never side by side. */
  flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.append());
    return this.flushing;
  }

  private async append(): Promise<void> {
    if (this.counts.size === 0) return;
    const counts = this.counts;
    const from = this.since;
    const to = this.clock.now();
    this.counts = new Map();
    this.since = to;
    const event: SignatureValidationsTallied = {
      type: 'SignatureValidationsTallied',
      data: { from: from.toISOString(), to: to.toISOString(), counts: [...counts].map(countOf) },
    };
    const id = randomUUID();
    const metadata: EventMetadata = {
      correlationId: id,
      causationId: id,
      actor: 'system:validation-tally',
      occurredAt: to.toISOString(),
      schemaVersion: 1,
    };
    try {
      await this.store.append(
        validationTallyStream(to.toISOString().slice(0, 10)),
        [{ id, type: event.type, data: event.data, metadata }],
        { expectedRevision: 'any' },
      );
    } catch (error) {
      // Not lost: the counts go back into the next tally, whose window then starts at this one's start.
      for (const [key, n] of counts) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
      this.since = from;
      throw error;
    }
  }
}

function countOf([key, count]: [string, number]): ValidationCount {
  const [indication, subIndication] = key.split('/') as [ValidationCount['indication'], string];
  return {
    indication,
    subIndication: subIndication === '' ? null : (subIndication as ValidationCount['subIndication']),
    count,
  };
}
