import type { JsonObject, RecordedEvent } from '#libs/event-store';

/**
 * Events in exactly the shapes the identity and oidc commands record them, reduced to what metrics read (sealed
 * personal fields are stand-ins): for projection tests and the rebuild benchmark.
 */
export type AdoptionEvent = { readonly type: string; readonly data: JsonObject };

export const adoptionEvents = {
  citizenRegistered: (citizenId: string, assuranceLevel: 'basic' | 'plus', at: string): AdoptionEvent => ({
    type: 'CitizenRegistered',
    data: { citizenId, personal: { sealed: 'x' }, assuranceLevel, registeredAt: at },
  }),
  identityVerified: (citizenId: string, at: string): AdoptionEvent => ({
    type: 'IdentityVerified',
    data: { citizenId, assuranceLevel: 'plus', verifiedAt: at },
  }),
  eserviceRegistered: (clientId: string, department: string, at: string): AdoptionEvent => ({
    type: 'EServiceRegistered',
    data: {
      clientId,
      name: `Service ${clientId}`,
      department,
      redirectUris: [`https://${clientId}.example/callback`],
      postLogoutRedirectUris: [],
      authMethod: 'private_key_jwt',
      allowedScopes: ['openid', 'profile'],
      registeredAt: at,
    },
  }),
  eserviceSuspended: (clientId: string, at: string): AdoptionEvent => ({
    type: 'EServiceSuspended',
    data: { clientId, suspendedAt: at },
  }),
  loginRequested: (loginRequestId: string, clientId: string, at: string): AdoptionEvent => ({
    type: 'LoginRequested',
    data: {
      loginRequestId,
      clientId,
      eServiceName: `Service ${clientId}`,
      minimumAcr: 'basic',
      claims: ['name'],
      challenge: 'c',
      shortCode: 'ABCD2345',
      requestedAt: at,
      expiresAt: at,
    },
  }),
  loginApproved: (
    loginRequestId: string,
    citizenId: string,
    claims: string[],
    at: string,
  ): AdoptionEvent => ({
    type: 'LoginApproved',
    data: { loginRequestId, citizenId, deviceId: 'd', acr: 'basic', approvedClaims: claims, approvedAt: at },
  }),
  loginDenied: (loginRequestId: string, citizenId: string, at: string): AdoptionEvent => ({
    type: 'LoginDenied',
    data: { loginRequestId, citizenId, deviceId: 'd', reason: 'declined-by-citizen', deniedAt: at },
  }),
  loginExpired: (loginRequestId: string, at: string): AdoptionEvent => ({
    type: 'LoginExpired',
    data: { loginRequestId, expiredAt: at },
  }),
  tokenIssued: (clientId: string, citizenId: string, claims: string[], at: string): AdoptionEvent => ({
    type: 'TokenIssued',
    data: {
      clientId,
      citizenId,
      acr: 'urn:city-identity:acr:basic',
      claimsReleased: claims,
      grantType: 'authorization_code',
      issuedAt: at,
    },
  }),
  loginFailed: (clientId: string, reason: string, at: string): AdoptionEvent => ({
    type: 'LoginFailed',
    data: { clientId, reason, failedAt: at },
  }),
};

/** As the log would hand them to a projection: consecutive positions from `from`. */
export function recorded(events: readonly AdoptionEvent[], from = 1n): RecordedEvent[] {
  return events.map((event, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stream: 'test-1',
    revision: BigInt(i),
    position: from + BigInt(i),
    type: event.type,
    data: event.data,
    metadata: {},
    recordedAt: new Date(0),
  }));
}
