import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { CLOCK, EVENT_STORE, ProjectionRunner, type Clock } from '#libs/eventsourcing';
import { backchannelLogouts } from './backchannel-logouts.projection.js';
import { sessionEndings } from './session-endings.reaction.js';

@Injectable()
class SessionEndingsReaction implements OnApplicationBootstrap {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.projections.start([sessionEndings(this.store, this.clock), backchannelLogouts]);
  }
}

/**
 * Sessions and tokens that end when a device, a citizen, an e-service or an appointment does, and the outbox of
 * the back-channel logout tokens that announce each ending.
 */
@Module({ providers: [SessionEndingsReaction] })
export class SessionEndingsModule {}
