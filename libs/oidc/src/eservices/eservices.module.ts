import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionRunner } from '#libs/eventsourcing';
import { ChangeEServiceGrantTypesHandler } from './commands/change-eservice-grant-types.handler.js';
import { ChangeEServiceTokenSigningHandler } from './commands/change-eservice-token-signing.handler.js';
import { ChangeEServiceProfileHandler } from './commands/change-eservice-profile.handler.js';
import { ChangeEServiceStatusHandler } from './commands/change-eservice-status.handler.js';
import { ClientSecrets } from './commands/client-secrets.js';
import { EServiceWrites } from './commands/eservice-writes.js';
import { RegisterEServiceHandler } from './commands/register-eservice.handler.js';
import { RotateClientSecretHandler } from './commands/rotate-client-secret.handler.js';
import { UpdateEServiceHandler } from './commands/update-eservice.handler.js';
import { ESERVICE_DIRECTORY } from './eservice-directory.js';
import { EServicesAdminController } from './http/eservices-admin.controller.js';
import { eserviceClients } from './projections/eservice-clients.projection.js';
import { eserviceProtocols } from './projections/eservice-protocols.projection.js';
import { ProjectedEServiceDirectory } from './projections/projected-eservice-directory.js';

/**
 * The registry of e-services (the OpenID Provider's relying parties), kept by administrators. Global, as the
 * directory it exports is the query interface other contexts (the provider, adoption metrics) read it through.
 */
@Global()
@Module({
  controllers: [EServicesAdminController],
  providers: [
    EServiceWrites,
    ClientSecrets,
    RegisterEServiceHandler,
    UpdateEServiceHandler,
    RotateClientSecretHandler,
    ChangeEServiceStatusHandler,
    ChangeEServiceProfileHandler,
    ChangeEServiceGrantTypesHandler,
    ChangeEServiceTokenSigningHandler,
    ProjectedEServiceDirectory,
    { provide: ESERVICE_DIRECTORY, useExisting: ProjectedEServiceDirectory },
  ],
  exports: [ESERVICE_DIRECTORY],
})
export class EServicesModule implements OnApplicationBootstrap {
  constructor(private readonly projections: ProjectionRunner) {}

  onApplicationBootstrap(): Promise<void> {
    return this.projections.start([eserviceClients, eserviceProtocols]);
  }
}
