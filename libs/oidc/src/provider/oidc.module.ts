import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import {
  ADMINISTRATOR_TOKENS,
  CLOCK,
  EVENT_STORE,
  PiiVault,
  READ_MODELS,
  type Clock,
  type ReadModelDatabase,
} from '#libs/eventsourcing';
import {
  CITIZEN_CLAIMS,
  CORPORATE_REPRESENTATION,
  type CitizenClaims,
  type CorporateRepresentation,
} from '#libs/identity';
import type Provider from 'oidc-provider';
import { ESERVICE_DIRECTORY, type EServiceDirectory } from '../eservices/eservice-directory.js';
import { AdministratorAccessTokens } from './administrator-access-tokens.js';
import { InteractionController } from './interaction.controller.js';
import { CorporateGrants } from './corporate-grants.js';
import { InteractionLogins } from './interaction-logins.js';
import { createOidcProvider } from './oidc-provider.factory.js';
import { OIDC_OPTIONS, type OidcOptions } from './oidc-options.js';
import { SigningKeys } from './signing-keys.js';
import { OIDC_PROVIDER } from './tokens.js';
import { GrantOrigins } from '../sessions/grant-origins.js';
import { GrantValidity } from '../sessions/grant-validity.js';
import { SessionEndingsModule } from '../sessions/session-endings.module.js';
import { withBackchannelLogout } from '../sessions/backchannel-logout-directory.js';
import { BackchannelLogoutDispatcher } from '../sessions/backchannel-logout-dispatcher.js';

/**
 * The OpenID Provider. The provider itself is a Koa app that the platform mounts under the issuer's path
 * (see apps/platform); this module builds it and serves the login interaction pages. Global, as it provides the
 * ADMINISTRATOR_TOKENS port that the admin endpoints' guard (libs/eventsourcing) takes.
 */
@Module({})
export class OidcModule {
  static forRoot(options: OidcOptions): DynamicModule {
    return {
      module: OidcModule,
      global: true,
      imports: [SessionEndingsModule],
      controllers: [InteractionController],
      providers: [
        { provide: OIDC_OPTIONS, useValue: options },
        {
          provide: OIDC_PROVIDER,
          useFactory: (
            readModels: ReadModelDatabase,
            vault: PiiVault,
            clock: Clock,
            store: EventStore,
            directory: EServiceDirectory,
            citizens: CitizenClaims,
            signingKeys: SigningKeys,
            corporateGrants: CorporateGrants,
            grantValidity: GrantValidity,
          ) =>
            createOidcProvider({
              options,
              readModels,
              vault,
              clock,
              store,
              directory: withBackchannelLogout(directory, readModels),
              citizens,
              signingKeys,
              corporateGrants,
              grantValidity,
            }),
          inject: [
            READ_MODELS,
            PiiVault,
            CLOCK,
            EVENT_STORE,
            ESERVICE_DIRECTORY,
            CITIZEN_CLAIMS,
            SigningKeys,
            CorporateGrants,
            GrantValidity,
          ],
        },
        {
          provide: ADMINISTRATOR_TOKENS,
          useFactory: (provider: Provider, citizens: CitizenClaims, validity: GrantValidity) =>
            new AdministratorAccessTokens(provider, citizens, validity),
          inject: [OIDC_PROVIDER, CITIZEN_CLAIMS, GrantValidity],
        },
        {
          provide: CorporateGrants,
          useFactory: (readModels: ReadModelDatabase) => new CorporateGrants(readModels),
          inject: [READ_MODELS],
        },
        BackchannelLogoutDispatcher,
        {
          provide: GrantOrigins,
          useFactory: (readModels: ReadModelDatabase) => new GrantOrigins(readModels),
          inject: [READ_MODELS],
        },
        {
          provide: GrantValidity,
          useFactory: (
            origins: GrantOrigins,
            citizens: CitizenClaims,
            clock: Clock,
            representation?: CorporateRepresentation,
          ) => new GrantValidity(origins, citizens, representation, () => clock.now()),
          inject: [GrantOrigins, CITIZEN_CLAIMS, CLOCK, { token: CORPORATE_REPRESENTATION, optional: true }],
        },
        {
          provide: SigningKeys,
          useFactory: (readModels: ReadModelDatabase, vault: PiiVault, clock: Clock) =>
            new SigningKeys(readModels, vault, () => clock.now()),
          inject: [READ_MODELS, PiiVault, CLOCK],
        },
        {
          provide: InteractionLogins,
          useFactory: (readModels: ReadModelDatabase) => new InteractionLogins(readModels),
          inject: [READ_MODELS],
        },
      ],
      exports: [OIDC_PROVIDER, SigningKeys, ADMINISTRATOR_TOKENS],
    };
  }
}
