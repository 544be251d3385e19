import { Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionRunner } from '#libs/eventsourcing';
import { RegisterCitizenHandler } from './commands/register-citizen.handler.js';
import { CitizensController } from './http/citizens.controller.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from './identity.options.js';
import { citizenDirectory } from './projections/citizen-directory.projection.js';

/** Citizens, their devices and (to come) login requests: the iAM Smart side of the platform. */
@Module({})
export class IdentityModule implements OnApplicationBootstrap {
  constructor(private readonly projections: ProjectionRunner) {}

  static forRoot(options: IdentityOptions): DynamicModule {
    return {
      module: IdentityModule,
      controllers: [CitizensController],
      providers: [{ provide: IDENTITY_OPTIONS, useValue: options }, RegisterCitizenHandler],
    };
  }

  onApplicationBootstrap(): Promise<void> {
    return this.projections.start([citizenDirectory]);
  }
}
