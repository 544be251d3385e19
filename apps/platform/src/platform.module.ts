import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventSourcingModule, type Clock } from '#libs/eventsourcing';
import type { PlatformConfig } from './config.js';
import { HealthController } from './health/health.controller.js';
import { IdentityModule } from '#libs/identity';
import { EServicesModule, OidcModule } from '#libs/oidc';
import { CorporateModule } from '#libs/corporate';
import { ConsentModule } from '#libs/consent';
import { dashboardClient, MetricsModule } from '#libs/metrics';
import { CitizenAppSimulatorController, DEMO_BASE_URL } from './demo/citizen-app-simulator.controller.js';
import { deriveKey } from './derive-key.js';

export interface PlatformOverrides {
  readonly clock?: Clock;
}

@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, overrides: PlatformOverrides = {}): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({
          storage: config.storage,
          piiMasterKey: config.piiMasterKey,
          adminToken: config.adminToken,
          ...(overrides.clock && { clock: overrides.clock }),
        }),
        IdentityModule.forRoot({ hkidIndexKey: deriveKey(config.piiMasterKey, 'hkid-claim-index') }),
        EServicesModule,
        OidcModule.forRoot({
          issuer: `${config.publicUrl}/oidc`,
          cookieKey: deriveKey(config.piiMasterKey, 'oidc-cookies'),
          pairwiseKey: deriveKey(config.piiMasterKey, 'oidc-pairwise-subjects'),
          ...(config.demo && { demoAppUrl: `${config.publicUrl}/demo/app` }),
          firstPartyClients: [dashboardClient(config.publicUrl)],
        }),
        CorporateModule,
        ConsentModule.forRoot({ gatewayUrl: `${config.publicUrl}/gateway` }),
        MetricsModule,
      ],
      controllers: [HealthController, ...(config.demo ? [CitizenAppSimulatorController] : [])],
      providers: [{ provide: DEMO_BASE_URL, useValue: config.publicUrl }],
    };
  }
}
