import type { DomainEvent, SealedFields } from '#libs/eventsourcing';

export type AssuranceLevel = 'basic' | 'plus';

/** The personal data of a registration: only ever stored sealed by the PII vault under the citizen's id. */
export type PersonalData = {
  nameEn: string;
  nameZh: string | null;
  hkid: string;
  dateOfBirth: string;
};

/** The citizen's e-ME profile; `null` is a detail the citizen removed. Sealed like PersonalData. */
export type ContactDetails = {
  address: string | null;
  phone: string | null;
  email: string | null;
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

export type DevicePublicKey = { kty: string; crv: string; x: string; y: string };

export type DeviceEnrolled = DomainEvent<
  'DeviceEnrolled',
  {
    citizenId: string;
    /** The RFC 7638 thumbprint of the device's public key. */
    deviceId: string;
    /** A public JWK (ES256); never a private key. */
    publicKey: DevicePublicKey;
    enrolledAt: string;
  }
>;

/** `replaced`: a new device was enrolled; `lost`: reported lost or stolen. Either way it can never sign again. */
export type DeviceRevocationReason = 'replaced' | 'lost';

export type DeviceRevoked = DomainEvent<
  'DeviceRevoked',
  { citizenId: string; deviceId: string; reason: DeviceRevocationReason; revokedAt: string }
>;

/** Identity checked in person against the HKID card: the citizen's logins carry the `plus` level from now on. */
export type IdentityVerified = DomainEvent<
  'IdentityVerified',
  { citizenId: string; assuranceLevel: 'plus'; verifiedAt: string }
>;

export const SUSPENSION_REASONS = [
  'suspected-fraud',
  'account-compromised',
  'citizen-request',
  'legal-order',
] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

export const REINSTATEMENT_REASONS = [
  'investigation-cleared',
  'citizen-request',
  'legal-order-lifted',
  'suspended-in-error',
] as const;
export type ReinstatementReason = (typeof REINSTATEMENT_REASONS)[number];

export type CitizenSuspended = DomainEvent<
  'CitizenSuspended',
  { citizenId: string; reason: SuspensionReason; suspendedAt: string }
>;

export type CitizenReinstated = DomainEvent<
  'CitizenReinstated',
  { citizenId: string; reason: ReinstatementReason; reinstatedAt: string }
>;

/** Only the details the citizen changed; those left out keep their previous value. */
export type ProfileUpdated = DomainEvent<
  'ProfileUpdated',
  { citizenId: string; profile: Partial<SealedFields<ContactDetails>>; updatedAt: string }
>;

/**
 * The citizen administers the platform: the admin API accepts the access tokens the platform's OpenID Provider
 * issues them with the `admin` scope, for as long as they hold the role.
 */
export type AdministratorRoleGranted = DomainEvent<
  'AdministratorRoleGranted',
  { citizenId: string; grantedAt: string }
>;

export type AdministratorRoleRevoked = DomainEvent<
  'AdministratorRoleRevoked',
  { citizenId: string; revokedAt: string }
>;

export type CitizenEvent =
  | CitizenRegistered
  | DeviceEnrolled
  | DeviceRevoked
  | IdentityVerified
  | CitizenSuspended
  | CitizenReinstated
  | ProfileUpdated
  | AdministratorRoleGranted
  | AdministratorRoleRevoked;

export const citizenStream = (citizenId: string): string => `citizen-${citizenId}`;
