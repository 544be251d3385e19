import type { DomainEvent } from '#libs/eventsourcing';

export const REPRESENTATIVE_ROLES = ['administrator', 'authorised-signatory', 'user'] as const;
export type RepresentativeRole = (typeof REPRESENTATIVE_ROLES)[number];

/** The JWS algorithms a corporation's key may be registered for (RFC 7518, RFC 8037). */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const KEY_REVOCATION_REASONS = ['compromised', 'superseded', 'ceased-operation', 'other'] as const;
export type KeyRevocationReason = (typeof KEY_REVOCATION_REASONS)[number];

/** A public JWK reduced to the members of its key type (see signing-key.ts). */
export type PublicSigningJwk = { [member: string]: string };

export type CorporationRegistered = DomainEvent<
  'CorporationRegistered',
  {
    corporationId: string;
    /** Business Registration number: 8 digits. */
    brNumber: string;
    /** Companies Registry number: 7 or 8 digits. */
    crNumber: string;
    nameEn: string;
    nameZh?: string;
    registeredAt: string;
  }
>;

export type CorporationSuspended = DomainEvent<
  'CorporationSuspended',
  { corporationId: string; reason: string; suspendedAt: string }
>;

export type CorporationReinstated = DomainEvent<
  'CorporationReinstated',
  { corporationId: string; reinstatedAt: string }
>;

/** Final: nothing the corporation signs from `dissolvedAt` on is valid. */
export type CorporationDissolved = DomainEvent<
  'CorporationDissolved',
  { corporationId: string; dissolvedAt: string }
>;

export type RepresentativeAppointed = DomainEvent<
  'RepresentativeAppointed',
  {
    corporationId: string;
    appointmentId: string;
    citizenId: string;
    role: RepresentativeRole;
    /** The e-services (client ids) the representative may use for the corporation; `*` for all. */
    eservices: string[];
    validFrom: string;
    validUntil?: string;
    appointedAt: string;
  }
>;

/** Carries only what changed. */
export type AppointmentChanged = DomainEvent<
  'AppointmentChanged',
  {
    corporationId: string;
    appointmentId: string;
    role?: RepresentativeRole;
    eservices?: string[];
    validUntil?: string;
    changedAt: string;
  }
>;

export type AppointmentRevoked = DomainEvent<
  'AppointmentRevoked',
  { corporationId: string; appointmentId: string; reason: string; revokedAt: string }
>;

export type SigningKeyRegistered = DomainEvent<
  'SigningKeyRegistered',
  {
    corporationId: string;
    /** The key's JWK thumbprint (RFC 7638): the `kid` its signatures carry. */
    kid: string;
    /** An organisational seal: signs automatically, for the corporation as a whole. */
    usage: 'seal';
    publicJwk: PublicSigningJwk;
    algorithms: SigningAlgorithm[];
    validFrom: string;
    validUntil?: string;
    registeredAt: string;
  }
>;

/** Rotation: the successor is registered in the same write; this key signs nothing valid from `rotatedAt`. */
export type SigningKeyRotated = DomainEvent<
  'SigningKeyRotated',
  { corporationId: string; kid: string; successorKid: string; rotatedAt: string }
>;

/**
 * Signatures made before `revokedAt` stay valid, unless the key was compromised: then nothing signed from
 * `compromisedSince` on is trusted.
 */
export type SigningKeyRevoked = DomainEvent<
  'SigningKeyRevoked',
  {
    corporationId: string;
    kid: string;
    reason: KeyRevocationReason;
    compromisedSince?: string;
    revokedAt: string;
  }
>;

/** Roles that may sign for the corporation. */
export const SIGNING_ROLES: readonly RepresentativeRole[] = ['administrator', 'authorised-signatory'];

/**
 * A representative signed a document for the corporation, approved with their device; the platform's
 * counter-signature of this fact is the representative signature relying parties validate.
 */
export type SignedByRepresentative = DomainEvent<
  'SignedByRepresentative',
  {
    corporationId: string;
    signatureId: string;
    appointmentId: string;
    citizenId: string;
    role: RepresentativeRole;
    /** SHA-256 of the document, base64url: the platform never sees the document itself. */
    documentDigest: string;
    deviceId: string;
    signedAt: string;
  }
>;

export type CorporationEvent =
  | CorporationRegistered
  | CorporationSuspended
  | CorporationReinstated
  | CorporationDissolved
  | RepresentativeAppointed
  | AppointmentChanged
  | AppointmentRevoked
  | SigningKeyRegistered
  | SigningKeyRotated
  | SigningKeyRevoked
  | SignedByRepresentative;

export const CORPORATION_EVENT_TYPES = [
  'CorporationRegistered',
  'CorporationSuspended',
  'CorporationReinstated',
  'CorporationDissolved',
  'RepresentativeAppointed',
  'AppointmentChanged',
  'AppointmentRevoked',
  'SigningKeyRegistered',
  'SigningKeyRotated',
  'SigningKeyRevoked',
  'SignedByRepresentative',
] as const satisfies readonly CorporationEvent['type'][];

export const corporationStream = (corporationId: string): string => `corporation-${corporationId}`;
