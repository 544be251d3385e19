import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '#libs/event-store';
import { DomainError } from '#libs/errors';
import { AggregateStore, CLOCK, EVENT_STORE, type Clock } from '#libs/eventsourcing';
import {
  decideCorporation,
  registeredCorporation,
  type CorporationCommand,
} from '../domain/corporation.decide.js';
import { corporationStream } from '../domain/corporation.events.js';
import { corporation, type RegisteredCorporation } from '../domain/corporation.state.js';
import { CorporateRegistry } from '../verification/corporate-registry.js';
import { ChangeCorporationCommand } from './change-corporation.command.js';

/**
 * Decides on the corporation's stream, then answers once the in-memory registry holds the change: a revoked
 * key or a dissolution is refused by the very next validation.
 */
@CommandHandler(ChangeCorporationCommand)
export class ChangeCorporationHandler implements ICommandHandler<ChangeCorporationCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly registry: CorporateRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ change, context }: ChangeCorporationCommand): Promise<RegisteredCorporation> {
    this.refuseKeyOfAnother(change);
    const stream = corporationStream(change.corporationId);
    const now = this.clock.now();
    const { state } = await this.aggregates.handle(
      stream,
      corporation,
      (current) => decideCorporation(change, current, now),
      context,
    );
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (last) await this.registry.waitFor(last.position);
    return registeredCorporation(state, change.corporationId);
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
