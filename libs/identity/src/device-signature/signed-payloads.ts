import { randomBytes } from 'node:crypto';
import { CompactSign, type CryptoKey } from 'jose';
import type { JsonObject } from '#libs/event-store';
import type { ContactDetails } from '../domain/citizen.events.js';
import type { ClaimName } from '../login/login-gateway.js';

/*
 * What a citizen's device signs: the contract between the app and the platform. The app builds a payload here
 * and signs it; the platform rebuilds it from the request it received and checks that the device signed exactly
 * that. Payloads of different requests never share their set of members, so a signature made for one kind of
 * request cannot be passed off as another.
 */

export interface LoginDecision {
  readonly loginRequestId: string;
  /** The request's one-time challenge: an approval signed for one request fits no other. */
  readonly challenge: string;
  readonly decision: 'approve' | 'deny';
  readonly approvedClaims: readonly ClaimName[];
  /** With the `corporate` scope: the corporation the citizen acts for. */
  readonly corporationId?: string;
}

export const loginDecisionPayload = (decision: LoginDecision): JsonObject => ({
  loginRequestId: decision.loginRequestId,
  challenge: decision.challenge,
  decision: decision.decision,
  approvedClaims: [...decision.approvedClaims].sort(),
  ...(decision.corporationId !== undefined && { corporationId: decision.corporationId }),
});

/** A registration as the app sends it, less the proof: what the new device key signs to prove the app holds it. */
export interface RegistrationRequest {
  readonly nameEn: string;
  readonly nameZh?: string;
  readonly hkid: string;
  readonly dateOfBirth: string;
  readonly devicePublicKey: JsonObject;
}

export const registrationPayload = (request: RegistrationRequest): JsonObject => ({
  action: 'register',
  nameEn: request.nameEn,
  ...(request.nameZh !== undefined && { nameZh: request.nameZh }),
  hkid: request.hkid,
  dateOfBirth: request.dateOfBirth,
  devicePublicKey: request.devicePublicKey,
});

export type EnrolDeviceAction = { action: 'enrol-device'; citizenId: string; devicePublicKey: JsonObject };

/**
 * Signed twice: by the current device, which authorises the move (or not at all, at a counter), and by the new
 * one, whose signature proves that its key is held.
 */
export const enrolDeviceAction = (citizenId: string, devicePublicKey: JsonObject): EnrolDeviceAction => ({
  action: 'enrol-device',
  citizenId,
  devicePublicKey,
});

/** A change to the citizen's own account, made from the app; signed as it stands. */
export type CitizenAppAction =
  | EnrolDeviceAction
  | { action: 'report-device-lost'; citizenId: string; deviceId: string }
  | { action: 'update-profile'; citizenId: string; profile: Partial<ContactDetails> };

/** The app's side: `iat` in seconds, as in a JWT, from the app's clock; a fresh `jti` makes each signing unique. */
export function signDevicePayload(privateKey: CryptoKey, payload: JsonObject, now: Date): Promise<string> {
  const signed = {
    ...payload,
    iat: Math.floor(now.getTime() / 1000),
    jti: randomBytes(16).toString('base64url'),
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(signed)))
    .setProtectedHeader({ alg: 'ES256' })
    .sign(privateKey);
}
