import type { DomainEvent } from '#libs/eventsourcing';
import type { SealedFields } from '#libs/eventsourcing';

export type AssuranceLevel = 'basic' | 'plus';

/** The personal data of a registration: only ever stored sealed by the PII vault under the citizen's id. */
export type PersonalData = {
  nameEn: string;
  nameZh: string | null;
  hkid: string;
  dateOfBirth: string;
};

export type CitizenRegistered = DomainEvent<
  'CitizenRegistered',
  {
    citizenId: string;
    personal: SealedFields<PersonalData>;
    assuranceLevel: AssuranceLevel;
    registeredAt: string;
  }
>;

export type DeviceEnrolled = DomainEvent<
  'DeviceEnrolled',
  {
    citizenId: string;
    /** The RFC 7638 thumbprint of the device's public key. */
    deviceId: string;
    /** A public JWK (ES256); never a private key. */
    publicKey: { kty: string; crv: string; x: string; y: string };
    enrolledAt: string;
  }
>;

export type CitizenEvent = CitizenRegistered | DeviceEnrolled;
export const CITIZEN_EVENT_TYPES = [
  'CitizenRegistered',
  'DeviceEnrolled',
] as const satisfies readonly CitizenEvent['type'][];

export const citizenStream = (citizenId: string): string => `citizen-${citizenId}`;
