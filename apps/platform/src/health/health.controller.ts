import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { EventStore } from '#libs/event-store';
import {
  EVENT_STORE,
  ProjectionRunner,
  PROBLEM_CONTENT_TYPE,
  problem,
  READ_MODELS,
  type ReadModelDatabase,
} from '#libs/eventsourcing';

type Check = 'up' | 'down';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelDatabase,
    private readonly projections: ProjectionRunner,
  ) {}

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the event store and the read-model database both answer a round trip. */
  @Get()
  async ready(@Res() response: Response): Promise<void> {
    const [eventStore, readModels] = await Promise.all([
      check(() => this.store.ping()),
      check(() => this.readModels.ping()),
    ]);
    const projections = this.projections.status().map((p) => ({
      name: p.name,
      state: p.state,
      position: p.position?.toString() ?? null,
    }));
    const checks = { eventStore, readModels };
    if (eventStore === 'up' && readModels === 'up') {
      response.json({ status: 'ok', checks, projections });
      return;
    }
    response
      .status(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify(problem('NOT_READY', 503, 'a store the platform needs does not answer', { checks })),
      );
  }
}

async function check(probe: () => Promise<void>): Promise<Check> {
  try {
    await probe();
    return 'up';
  } catch {
    return 'down';
  }
}
