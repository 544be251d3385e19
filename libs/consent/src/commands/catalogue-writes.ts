import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '#libs/errors';
import { ProjectionRunner } from '#libs/eventsourcing';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/eventsourcing';
import { consentCatalogue } from '../projections/consent-catalogue.projection.js';

/**
 * Participants and datasets are read from the catalogue on every gateway call: a registration is acknowledged
 * only once the catalogue holds it, so that the participant's very next call is recognised.
 */
@Injectable()
export class CatalogueWrites {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
  ) {}

  async readable(stream: string): Promise<void> {
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (!last) return;
    try {
      await this.projections.waitFor(last.position, 10_000, [consentCatalogue.name]);
    } catch {
      throw new DomainError(
        'CATALOGUE_CHANGE_NOT_YET_VISIBLE',
        'the change is recorded but not yet readable; repeat the request with the same Idempotency-Key',
        503,
      );
    }
  }
}
