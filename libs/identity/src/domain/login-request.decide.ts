import { DomainError } from '#libs/errors';
import { CLAIM_NAMES, type ActingFor, type ClaimName } from '../login/login-gateway.js';
import type { AssuranceLevel } from './citizen.events.js';
import { assertDeviceMayAct, assertNotSuspended } from './citizen.decide.js';
import type { RegisteredCitizen } from './citizen.state.js';
import type { LoginRequestEvent } from './login-request.events.js';
import { hasExpired, type LoginRequest } from './login-request.state.js';

export interface RequestLogin {
  readonly type: 'RequestLogin';
  readonly loginRequestId: string;
  readonly clientId: string;
  readonly eServiceName: string;
  readonly minimumAcr: AssuranceLevel;
  readonly claims: readonly ClaimName[];
  readonly corporate?: boolean;
  readonly offlineAccess?: boolean;
  readonly challenge: string;
  readonly shortCode: string;
  /** Shared with the short code's assignment, which must end with the request. */
  readonly expiresAt: Date;
}

export interface DecideLogin {
  readonly type: 'DecideLogin';
  readonly loginRequestId: string;
  readonly decision: 'approve' | 'deny';
  readonly approvedClaims: readonly ClaimName[];
  /** The citizen as they are now, once the signature of `deviceId` proved that they are the one deciding. */
  readonly citizen: RegisteredCitizen;
  readonly deviceId: string;
  /** The corporation the citizen picked, and what the corporate context answered for it (if it may). */
  readonly corporationId?: string;
  readonly actingFor?: ActingFor;
}

export type LoginRequestCommand = RequestLogin | DecideLogin;

const ASSURANCE_LEVELS: readonly string[] = ['basic', 'plus'] satisfies AssuranceLevel[];

export function decideLoginRequest(
  command: LoginRequestCommand,
  state: LoginRequest,
  now: Date,
): LoginRequestEvent[] {
  const { loginRequestId } = command;
  switch (command.type) {
    case 'RequestLogin': {
      if (state.status !== 'none') {
        throw new DomainError('LOGIN_REQUEST_ALREADY_EXISTS', `login request ${loginRequestId} exists`, 409);
      }
      assertValidLoginRequest(command, now);
      return [
        {
          type: 'LoginRequested',
          data: {
            loginRequestId,
            clientId: command.clientId,
            eServiceName: command.eServiceName,
            minimumAcr: command.minimumAcr,
            claims: [...command.claims],
            ...(command.corporate && { corporate: true }),
            ...(command.offlineAccess && { offlineAccess: true }),
            challenge: command.challenge,
            shortCode: command.shortCode,
            requestedAt: now.toISOString(),
            expiresAt: command.expiresAt.toISOString(),
          },
        },
      ];
    }
    case 'DecideLogin': {
      switch (state.status) {
        case 'none':
          throw loginRequestNotFound(loginRequestId);
        case 'approved':
        case 'denied':
          throw new DomainError(
            'LOGIN_REQUEST_ALREADY_DECIDED',
            `login request ${loginRequestId} was already ${state.status}`,
            409,
          );
        case 'expired':
          throw loginRequestExpired(loginRequestId);
        case 'pending':
          break;
      }
      // Recorded rather than refused, so the e-service learns the outcome; the handler then answers 410.
      if (hasExpired(state.request, now)) {
        return [{ type: 'LoginExpired', data: { loginRequestId, expiredAt: now.toISOString() } }];
      }
      const { citizen, deviceId } = command;
      assertDeviceMayAct(citizen, deviceId);
      assertNotSuspended(citizen);
      if (command.decision === 'deny') {
        if (command.approvedClaims.length > 0) {
          throw new DomainError('DENIAL_WITH_CLAIMS', 'a denial approves no claims: send an empty list', 400);
        }
        return [
          {
            type: 'LoginDenied',
            data: {
              loginRequestId,
              citizenId: citizen.citizenId,
              deviceId,
              reason: 'declined-by-citizen',
              deniedAt: now.toISOString(),
            },
          },
        ];
      }
      const { request } = state;
      if (request.minimumAcr === 'plus' && citizen.assuranceLevel !== 'plus') {
        throw new DomainError(
          'ASSURANCE_TOO_LOW',
          `${request.eServiceName} needs the plus level: verify your identity in person first`,
          403,
        );
      }
      const notRequested = command.approvedClaims.filter((c) => !request.claims.includes(c));
      if (notRequested.length > 0) {
        throw new DomainError(
          'CLAIMS_NOT_REQUESTED',
          `${request.eServiceName} did not ask for: ${notRequested.join(', ')}`,
          400,
        );
      }
      const actingFor = decideActingFor(request, command);
      if (command.approvedClaims.includes('hkid') && citizen.assuranceLevel !== 'plus') {
        throw new DomainError(
          'HKID_REQUIRES_PLUS',
          'only a plus-level citizen can share the HKID number',
          403,
        );
      }
      return [
        {
          type: 'LoginApproved',
          data: {
            loginRequestId,
            citizenId: citizen.citizenId,
            deviceId,
            acr: citizen.assuranceLevel,
            approvedClaims: [...new Set(command.approvedClaims)].sort(),
            ...(actingFor && { actingFor: { ...actingFor } }),
            approvedAt: now.toISOString(),
          },
        },
      ];
    }
  }
}

/** With the `corporate` scope, an approval must name a corporation the citizen may act for at this e-service. */
function decideActingFor(request: { corporate?: boolean }, command: DecideLogin): ActingFor | undefined {
  if (!request.corporate) {
    if (command.corporationId === undefined) return undefined;
    throw new DomainError('CORPORATION_NOT_REQUESTED', 'this e-service did not ask for a corporation', 400);
  }
  if (command.corporationId === undefined) {
    throw new DomainError('CORPORATION_REQUIRED', 'pick the corporation you act for at this e-service', 400);
  }
  if (!command.actingFor) {
    throw new DomainError(
      'CORPORATION_NOT_AVAILABLE',
      'you hold no appointment in force at this corporation that covers this e-service',
      403,
    );
  }
  return command.actingFor;
}

export function loginRequestNotFound(loginRequestId: string): DomainError {
  return new DomainError('LOGIN_REQUEST_NOT_FOUND', `no login request ${loginRequestId}`, 404);
}

export function loginRequestExpired(loginRequestId: string): DomainError {
  return new DomainError('LOGIN_REQUEST_EXPIRED', `login request ${loginRequestId} has expired`, 410);
}

/** The OpenID Provider is trusted code, but a mistake there must not become a request no one can approve. */
export function assertValidLoginRequest(command: Omit<RequestLogin, 'type' | 'shortCode'>, now: Date): void {
  const invalid = (why: string) => new DomainError('LOGIN_REQUEST_INVALID', why, 400);
  if (!command.clientId || !command.eServiceName) throw invalid('clientId and eServiceName are required');
  if (!ASSURANCE_LEVELS.includes(command.minimumAcr)) throw invalid('minimumAcr must be basic or plus');
  const names: readonly string[] = CLAIM_NAMES;
  if (command.claims.some((c) => !names.includes(c)))
    throw invalid(`claims must be among ${CLAIM_NAMES.join(', ')}`);
  if (new Set(command.claims).size !== command.claims.length) throw invalid('claims must not repeat');
  if (!(command.expiresAt.getTime() > now.getTime()))
    throw invalid('a login request must expire after it starts');
}
