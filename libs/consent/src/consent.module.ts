import { Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionRunner } from '#libs/eventsourcing';
import { ParticipantGuard } from './auth/participant.guard.js';
import { ParticipantTokens } from './auth/participant-tokens.js';
import { CatalogueWrites } from './commands/catalogue-writes.js';
import { ConsentExpirySweep } from './commands/consent-expiry-sweep.js';
import { ChangeConsentHandler, DecideConsentHandler } from './commands/citizen-consent.handlers.js';
import { ExchangeDataHandler } from './commands/exchange-data.handler.js';
import { PublishDatasetHandler } from './commands/publish-dataset.handler.js';
import { RegisterParticipantHandler } from './commands/register-participant.handler.js';
import { RequestConsentHandler } from './commands/request-consent.handler.js';
import { CONSENT_OPTIONS, type ConsentOptions } from './consent.options.js';
import { AppConsentsController } from './http/app-consents.controller.js';
import { ConsentAdminController } from './http/consent-admin.controller.js';
import { GatewayController } from './http/gateway.controller.js';
import { CitizenConsentViews } from './projections/citizen-consent-views.js';
import { citizenConsents } from './projections/citizen-consents.projection.js';
import { consentAccessLog } from './projections/consent-access-log.projection.js';
import { ConsentCatalogue } from './projections/consent-catalogue.js';
import { consentCatalogue } from './projections/consent-catalogue.projection.js';
import { consentWebhooks } from './webhooks/consent-webhooks.projection.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

export const CONSENT_PROJECTIONS = [consentCatalogue, citizenConsents, consentAccessLog, consentWebhooks];

/**
 * The Consented Data Exchange Gateway: participants and their datasets, consents the citizen approves in the app,
 * exchanges checked against them, and the citizen's view of both.
 */
@Module({})
export class ConsentModule implements OnApplicationBootstrap {
  constructor(private readonly projections: ProjectionRunner) {}

  static forRoot(options: ConsentOptions): DynamicModule {
    return {
      module: ConsentModule,
      controllers: [ConsentAdminController, GatewayController, AppConsentsController],
      providers: [
        { provide: CONSENT_OPTIONS, useValue: options },
        ConsentCatalogue,
        CitizenConsentViews,
        ParticipantTokens,
        ParticipantGuard,
        CatalogueWrites,
        RegisterParticipantHandler,
        PublishDatasetHandler,
        RequestConsentHandler,
        DecideConsentHandler,
        ChangeConsentHandler,
        ExchangeDataHandler,
        WebhookDispatcher,
        ConsentExpirySweep,
      ],
    };
  }

  onApplicationBootstrap(): Promise<void> {
    return this.projections.start(CONSENT_PROJECTIONS);
  }
}
