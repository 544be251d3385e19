import type { Evolver } from '#libs/eventsourcing';
import {
  ESERVICE_EVENT_TYPES,
  type AuthMethod,
  type ClientJwks,
  type EServiceEvent,
  type EServiceGrantType,
  type EServiceScope,
  type SecurityProfile,
  type TokenSigningAlg,
} from './eservice.events.js';

/** What an administrator may change after registration (see EServiceUpdated). */
export interface EServiceSettings {
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly allowedScopes: readonly EServiceScope[];
  /** With private_key_jwt only. */
  readonly jwks?: ClientJwks;
  /** Back-channel logout; `null` once turned off. */
  readonly backchannelLogoutUri?: string | null;
}

/** The algorithms the e-service's ID tokens and userinfo are signed with; no userinfo one: plain JSON. */
export interface TokenSigning {
  readonly idTokenSigningAlg: TokenSigningAlg;
  readonly userinfoSigningAlg?: TokenSigningAlg;
}

/** ES256 for events from before the algorithm could be chosen. */
export const tokenSigningOf = (data: {
  idTokenSigningAlg?: TokenSigningAlg;
  userinfoSigningAlg?: TokenSigningAlg;
}): TokenSigning => ({
  idTokenSigningAlg: data.idTokenSigningAlg ?? 'ES256',
  ...(data.userinfoSigningAlg !== undefined && { userinfoSigningAlg: data.userinfoSigningAlg }),
});

export type EService =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'active' | 'suspended';
      readonly clientId: string;
      readonly authMethod: AuthMethod;
      readonly profile: SecurityProfile;
      readonly grantTypes: readonly EServiceGrantType[];
      readonly tokenSigning: TokenSigning;
      readonly settings: EServiceSettings;
    };

export const eservice: Evolver<EService, EServiceEvent> = {
  eventTypes: ESERVICE_EVENT_TYPES,
  initialState: () => ({ status: 'unregistered' }),
  evolve(state, event) {
    switch (event.type) {
      case 'EServiceRegistered': {
        const { clientId, authMethod, name, redirectUris, postLogoutRedirectUris, allowedScopes, jwks } =
          event.data;
        const { backchannelLogoutUri } = event.data;
        return {
          status: 'active',
          clientId,
          authMethod,
          profile: event.data.profile ?? 'standard',
          grantTypes: event.data.grantTypes ?? ['authorization_code'],
          tokenSigning: tokenSigningOf(event.data),
          settings: {
            name,
            redirectUris,
            postLogoutRedirectUris,
            allowedScopes,
            ...(jwks && { jwks }),
            ...(backchannelLogoutUri !== undefined && { backchannelLogoutUri }),
          },
        };
      }
      case 'EServiceUpdated': {
        if (state.status === 'unregistered') return state;
        const { clientId: _clientId, updatedAt: _updatedAt, ...changes } = event.data;
        return { ...state, settings: { ...state.settings, ...changes } };
      }
      case 'EServiceClientSecretRotated':
        return state;
      case 'EServiceSuspended':
        return state.status === 'unregistered' ? state : { ...state, status: 'suspended' };
      case 'EServiceReinstated':
        return state.status === 'unregistered' ? state : { ...state, status: 'active' };
      case 'EServiceProfileChanged':
        return state.status === 'unregistered' ? state : { ...state, profile: event.data.profile };
      case 'EServiceGrantTypesChanged':
        return state.status === 'unregistered' ? state : { ...state, grantTypes: event.data.grantTypes };
      case 'EServiceTokenSigningChanged':
        return state.status === 'unregistered'
          ? state
          : { ...state, tokenSigning: tokenSigningOf(event.data) };
    }
  },
};
