import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { DomainError } from '#libs/errors';
import {
  AggregateStore,
  CLOCK,
  EVENT_STORE,
  ProjectionRunner,
  type Clock,
  type CommandContext,
} from '#libs/eventsourcing';
import { decideEService, type EServiceCommand } from '../domain/eservice.decide.js';
import { eserviceStream, type EServiceEvent } from '../domain/eservice.events.js';
import { eservice } from '../domain/eservice.state.js';
import { eserviceClients } from '../projections/eservice-clients.projection.js';
import { eserviceProtocols } from '../projections/eservice-protocols.projection.js';

/**
 * Every e-service write goes through here, and is acknowledged only once the read model holds it. Whatever
 * follows the answer (the provider's next findClient, the administrator's GET, another instance on the same
 * database) then sees it: above all, a suspension or a rotated secret takes effect the moment it is acknowledged,
 * which a fallback to the stream for unknown clients alone would not give.
 */
@Injectable()
export class EServiceWrites {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** What the command wrote or, for a retry under the same Idempotency-Key, what its first run wrote. */
  async execute(
    clientId: string,
    command: EServiceCommand,
    context: CommandContext,
  ): Promise<readonly EServiceEvent[]> {
    const stream = eserviceStream(clientId);
    const now = this.clock.now();
    const { events } = await this.aggregates.handle(
      stream,
      eservice,
      (state) => decideEService(command, state, now),
      context,
    );
    await this.readable(stream);
    return events;
  }

  private async readable(stream: string): Promise<void> {
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (!last) return;
    try {
      await this.projections.waitFor(last.position, 10_000, [eserviceClients.name, eserviceProtocols.name]);
    } catch {
      throw new DomainError(
        'ESERVICE_CHANGE_NOT_YET_VISIBLE',
        'the change is recorded but not yet readable; repeat the request with the same Idempotency-Key for its answer',
        503,
      );
    }
  }
}
