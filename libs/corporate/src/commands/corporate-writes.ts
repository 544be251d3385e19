import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { DomainError } from '#libs/errors';
import { AggregateStore, CLOCK, EVENT_STORE, type Clock, type CommandContext } from '#libs/eventsourcing';
import {
  decideCorporation,
  registeredCorporation,
  type CorporationCommand,
} from '../domain/corporation.decide.js';
import { corporationStream, type CorporationEvent } from '../domain/corporation.events.js';
import { corporation, type RegisteredCorporation } from '../domain/corporation.state.js';
import { CorporateRegistry } from '../verification/corporate-registry.js';

/**
 * Every corporate write goes through here: decided on the corporation's stream, acknowledged once the
 * in-memory registry holds it, so that a revoked key or a dissolution is refused by the very next validation.
 */
@Injectable()
export class CorporateWrites {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly registry: CorporateRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The corporation after the write and what it wrote (for a retry under the same key, the first run's). */
  async execute(
    change: CorporationCommand,
    context: CommandContext,
  ): Promise<{ state: RegisteredCorporation; events: readonly CorporationEvent[] }> {
    this.refuseKeyOfAnother(change);
    const stream = corporationStream(change.corporationId);
    const now = this.clock.now();
    const { state, events } = await this.aggregates.handle(
      stream,
      corporation,
      (current) => decideCorporation(change, current, now),
      context,
    );
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (last) await this.registry.waitFor(last.position);
    return { state: registeredCorporation(state, change.corporationId), events };
  }

  /** A kid names one key of one corporation, so that a signature has one signer. */
  private refuseKeyOfAnother(change: CorporationCommand): void {
    const kid =
      change.type === 'RegisterSigningKey'
        ? change.key.kid
        : change.type === 'RotateSigningKey'
          ? change.successor.kid
          : undefined;
    const holder = kid === undefined ? undefined : this.registry.keyOf(kid);
    if (holder && holder.corporation.corporationId !== change.corporationId) {
      throw new DomainError(
        'SIGNING_KEY_ALREADY_REGISTERED',
        'this key is registered by another corporation',
        409,
      );
    }
  }
}
