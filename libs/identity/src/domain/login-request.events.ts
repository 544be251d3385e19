import type { DomainEvent } from '#libs/eventsourcing';
import type { ClaimName } from '../login/login-gateway.js';
import type { AssuranceLevel } from './citizen.events.js';

export type LoginRequested = DomainEvent<
  'LoginRequested',
  {
    loginRequestId: string;
    clientId: string;
    eServiceName: string;
    minimumAcr: AssuranceLevel;
    claims: ClaimName[];
    /** The e-service asked for the `corporate` scope: an approval names the corporation acted for. */
    corporate?: boolean;
    /** The e-service keeps access after the login (`offline_access`): the app tells the citizen so. */
    offlineAccess?: boolean;
    /** 32 random bytes, base64url: what the approving device signs, so that an approval fits one request only. */
    challenge: string;
    shortCode: string;
    requestedAt: string;
    expiresAt: string;
  }
>;

export type LoginApproved = DomainEvent<
  'LoginApproved',
  {
    loginRequestId: string;
    citizenId: string;
    deviceId: string;
    acr: AssuranceLevel;
    /** Sorted; a subset of the requested claims, chosen by the citizen. */
    approvedClaims: ClaimName[];
    actingFor?: { corporationId: string; name: string; role: string };
    approvedAt: string;
  }
>;

export type LoginDenied = DomainEvent<
  'LoginDenied',
  {
    loginRequestId: string;
    citizenId: string;
    deviceId: string;
    reason: 'declined-by-citizen';
    deniedAt: string;
  }
>;

export type LoginExpired = DomainEvent<'LoginExpired', { loginRequestId: string; expiredAt: string }>;

export type LoginRequestEvent = LoginRequested | LoginApproved | LoginDenied | LoginExpired;

export const loginRequestStream = (loginRequestId: string): string => `loginRequest-${loginRequestId}`;
