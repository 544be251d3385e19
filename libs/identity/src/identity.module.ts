import { Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionRunner } from '#libs/eventsourcing';
import { ChangeCitizenHandler } from './commands/change-citizen.handler.js';
import { ChangeCitizenFromAppHandler } from './commands/change-citizen-from-app.handler.js';
import { DecideLoginHandler } from './commands/decide-login.handler.js';
import { RegisterCitizenHandler } from './commands/register-citizen.handler.js';
import { StartLoginHandler } from './commands/start-login.handler.js';
import { DeviceSignatureUses } from './device-signature/device-signature-uses.js';
import { DeviceSignedRequests } from './device-signature/device-signed-requests.js';
import { AdminCitizensController } from './http/admin-citizens.controller.js';
import { AdministratorsController } from './http/administrators.controller.js';
import { AppLoginRequestsController } from './http/app-login-requests.controller.js';
import { CitizensController } from './http/citizens.controller.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from './identity.options.js';
import { CitizenClaimsService } from './login/citizen-claims.service.js';
import { CITIZEN_CLAIMS, LOGIN_GATEWAY } from './login/login-gateway.js';
import { LoginRequests } from './login/login-requests.js';
import { administrators, AdministratorDirectory } from './projections/administrators.projection.js';
import { citizenDirectory } from './projections/citizen-directory.projection.js';

/**
 * Citizens, their devices and login requests: the iAM Smart side of the platform. Global, so that the OpenID
 * Provider's module can inject LOGIN_GATEWAY and CITIZEN_CLAIMS without importing this module a second time.
 */
@Module({})
export class IdentityModule implements OnApplicationBootstrap {
  constructor(private readonly projections: ProjectionRunner) {}

  static forRoot(options: IdentityOptions): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      controllers: [
        CitizensController,
        AdminCitizensController,
        AdministratorsController,
        AppLoginRequestsController,
      ],
      providers: [
        { provide: IDENTITY_OPTIONS, useValue: options },
        RegisterCitizenHandler,
        ChangeCitizenHandler,
        ChangeCitizenFromAppHandler,
        StartLoginHandler,
        DecideLoginHandler,
        DeviceSignatureUses,
        DeviceSignedRequests,
        LoginRequests,
        { provide: LOGIN_GATEWAY, useExisting: LoginRequests },
        { provide: CITIZEN_CLAIMS, useClass: CitizenClaimsService },
        AdministratorDirectory,
      ],
      exports: [LOGIN_GATEWAY, CITIZEN_CLAIMS, DeviceSignedRequests, AdministratorDirectory],
    };
  }

  onApplicationBootstrap(): Promise<void> {
    return this.projections.start([citizenDirectory, administrators]);
  }
}
