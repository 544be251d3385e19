import type { JsonObject, RecordedEvent } from '#libs/event-store';

/**
 * Events in exactly the shapes the identity, oidc, corporate and consent commands record them, reduced to what metrics read (sealed
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
  corporationRegistered: (corporationId: string, at: string): AdoptionEvent => ({
    type: 'CorporationRegistered',
    data: { corporationId, brNumber: '12345678', crNumber: '1234567', nameEn: 'x', registeredAt: at },
  }),
  corporationSuspended: (corporationId: string, at: string): AdoptionEvent => ({
    type: 'CorporationSuspended',
    data: { corporationId, reason: 'court order', suspendedAt: at },
  }),
  corporationDissolved: (corporationId: string, at: string): AdoptionEvent => ({
    type: 'CorporationDissolved',
    data: { corporationId, dissolvedAt: at },
  }),
  representativeAppointed: (
    corporationId: string,
    appointmentId: string,
    role: 'administrator' | 'authorised-signatory' | 'user',
    at: string,
  ): AdoptionEvent => ({
    type: 'RepresentativeAppointed',
    data: {
      corporationId,
      appointmentId,
      citizenId: 'c1',
      role,
      eservices: ['*'],
      validFrom: at,
      appointedAt: at,
    },
  }),
  appointmentRevoked: (corporationId: string, appointmentId: string, at: string): AdoptionEvent => ({
    type: 'AppointmentRevoked',
    data: { corporationId, appointmentId, reason: 'left', revokedAt: at },
  }),
  signedByRepresentative: (corporationId: string, role: string, at: string): AdoptionEvent => ({
    type: 'SignedByRepresentative',
    data: {
      corporationId,
      signatureId: 's',
      appointmentId: 'a',
      citizenId: 'c1',
      role,
      documentDigest: 'd',
      deviceId: 'd',
      signedAt: at,
    },
  }),
  signatureTimestamped: (corporationId: string, at: string): AdoptionEvent => ({
    type: 'SignatureTimestamped',
    data: { corporationId, kid: 'k', sigDigest: 'd', genTime: at },
  }),
  signatureValidationsTallied: (
    counts: { indication: string; subIndication: string | null; count: number }[],
    at: string,
  ): AdoptionEvent => ({
    type: 'SignatureValidationsTallied',
    data: { from: at, to: at, counts },
  }),
  consentRequested: (consentId: string, at: string): AdoptionEvent => ({
    type: 'ConsentRequested',
    data: {
      terms: {
        consentId,
        citizenId: 'c1',
        consumerId: 'consumer',
        providerId: 'provider',
        datasetId: 'd',
        items: ['x'],
        purpose: { code: 'p', text: 'p' },
        frequency: { mode: 'once' },
        dataRange: { from: '2026-01-01', to: '2026-12-31' },
        retentionDays: 30,
        validFrom: at,
        expiresAt: at,
      },
      requestedAt: at,
    },
  }),
  /** Approved, rejected, paused, resumed, revoked or expired. */
  consentChanged: (
    status: 'Approved' | 'Rejected' | 'Paused' | 'Resumed' | 'Revoked' | 'Expired',
    consentId: string,
    at: string,
  ): AdoptionEvent => ({
    type: `Consent${status}`,
    data: {
      consentId,
      ...(status !== 'Expired' && { deviceId: 'd' }),
      ...(status === 'Approved' && { termsHash: 'h', artefact: 'a' }),
      [`${status.toLowerCase()}At`]: at,
    },
  }),
  dataExchanged: (providerId: string, consumerId: string, at: string): AdoptionEvent => ({
    type: 'DataExchanged',
    data: { ...exchangeAttempt(providerId, consumerId), payloadHash: 'h', payloadSize: 10, exchangedAt: at },
  }),
  exchangeRefused: (reason: string, at: string): AdoptionEvent => ({
    type: 'ExchangeRefused',
    data: { ...exchangeAttempt('provider', 'consumer'), reason, refusedAt: at },
  }),
  exchangeFailed: (reason: string, at: string): AdoptionEvent => ({
    type: 'ExchangeFailed',
    data: { ...exchangeAttempt('provider', 'consumer'), reason, failedAt: at },
  }),
};

function exchangeAttempt(providerId: string, consumerId: string) {
  return {
    exchangeId: 'x',
    consentId: 'k',
    citizenId: 'c1',
    consumerId,
    providerId,
    datasetId: 'd',
    items: ['x'],
    dataRange: { from: '2026-01-01', to: '2026-12-31' },
  };
}

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
