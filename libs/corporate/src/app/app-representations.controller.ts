import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CLOCK, type Clock } from '#libs/eventsourcing';
import { CitizenIdParam, DeviceSignedDto, DeviceSignedRequests } from '#libs/identity';
import { representationAt, type Representation } from '../domain/acting-for.js';
import { CorporateRegistry } from '../verification/corporate-registry.js';
import { representationsReadingPayload } from './app-payloads.js';

/**
 * The corporations a citizen represents now, for their app: what it offers at a corporate login and where it
 * lets them sign. Read with the device's signature, as the citizen's other lists are.
 */
@Controller('app/citizens/:citizenId/corporations')
export class AppRepresentationsController {
  constructor(
    private readonly registry: CorporateRegistry,
    private readonly devices: DeviceSignedRequests,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  async list(
    @CitizenIdParam() citizenId: string,
    @Body() body: DeviceSignedDto,
  ): Promise<{ corporations: Representation[] }> {
    const now = this.clock.now();
    await this.devices.verifyActing({ citizenId, ...body }, representationsReadingPayload(citizenId), now);
    const corporations = this.registry
      .corporationsOf(citizenId)
      .flatMap((corporation) => representationAt(corporation, citizenId, now.toISOString()) ?? [])
      .sort((a, b) => a.name.localeCompare(b.name));
    return { corporations };
  }
}
