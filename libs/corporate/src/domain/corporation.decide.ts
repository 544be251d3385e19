import { DomainError } from '#libs/errors';
import {
  SIGNING_ROLES,
  type CorporationEvent,
  type KeyRevocationReason,
  type RepresentativeRole,
  type SigningKeyRegistered,
} from './corporation.events.js';
import {
  appointmentOf,
  type Appointment,
  type Corporation,
  type RegisteredCorporation,
} from './corporation.state.js';

export interface RegisterCorporation {
  readonly type: 'RegisterCorporation';
  readonly corporationId: string;
  readonly brNumber: string;
  readonly crNumber: string;
  readonly nameEn: string;
  readonly nameZh?: string;
}

export interface ChangeCorporationStatus {
  readonly type: 'SuspendCorporation' | 'ReinstateCorporation' | 'DissolveCorporation';
  readonly corporationId: string;
  readonly reason?: string;
}

export interface AppointRepresentative {
  readonly type: 'AppointRepresentative';
  readonly corporationId: string;
  readonly appointmentId: string;
  readonly citizenId: string;
  readonly role: RepresentativeRole;
  readonly eservices: readonly string[];
  /** Defaults to now. */
  readonly validFrom?: string;
  readonly validUntil?: string;
}

export interface ChangeAppointment {
  readonly type: 'ChangeAppointment';
  readonly corporationId: string;
  readonly appointmentId: string;
  readonly role?: RepresentativeRole;
  readonly eservices?: readonly string[];
  readonly validUntil?: string;
}

export interface RevokeAppointment {
  readonly type: 'RevokeAppointment';
  readonly corporationId: string;
  readonly appointmentId: string;
  readonly reason: string;
}

/** The key as the handler parsed it (see signing-key.ts). */
export type NewSigningKey = Omit<
  SigningKeyRegistered['data'],
  'corporationId' | 'registeredAt' | 'validFrom'
> & {
  readonly validFrom?: string;
};

export interface RegisterSigningKey {
  readonly type: 'RegisterSigningKey';
  readonly corporationId: string;
  readonly key: NewSigningKey;
}

export interface RotateSigningKey {
  readonly type: 'RotateSigningKey';
  readonly corporationId: string;
  readonly kid: string;
  readonly successor: NewSigningKey;
}

export interface RevokeSigningKey {
  readonly type: 'RevokeSigningKey';
  readonly corporationId: string;
  readonly kid: string;
  readonly reason: KeyRevocationReason;
  /** With `compromised` only; defaults to the revocation time, and may not be later. */
  readonly compromisedSince?: string;
}

export interface SignForCorporation {
  readonly type: 'SignForCorporation';
  readonly corporationId: string;
  readonly signatureId: string;
  /** Authenticated by the device signature over the request. */
  readonly citizenId: string;
  readonly deviceId: string;
  readonly documentDigest: string;
}

export type CorporationChange =
  | ChangeCorporationStatus
  | AppointRepresentative
  | ChangeAppointment
  | RevokeAppointment
  | RegisterSigningKey
  | RotateSigningKey
  | RevokeSigningKey
  | SignForCorporation;

export type CorporationCommand = RegisterCorporation | CorporationChange;

export function decideCorporation(
  command: CorporationCommand,
  state: Corporation,
  now: Date,
): CorporationEvent[] {
  const at = now.toISOString();
  const { corporationId } = command;
  if (command.type === 'RegisterCorporation') {
    if (state.status !== 'unregistered') {
      throw new DomainError(
        'CORPORATION_ALREADY_REGISTERED',
        `a corporation with business registration ${corporationId} is already registered`,
        409,
      );
    }
    const { type: _type, ...identity } = command;
    return [{ type: 'CorporationRegistered', data: { ...identity, registeredAt: at } }];
  }
  const registered = registeredCorporation(state, corporationId);
  switch (command.type) {
    case 'SuspendCorporation':
      notDissolved(registered);
      if (registered.status === 'suspended') {
        throw new DomainError(
          'CORPORATION_ALREADY_SUSPENDED',
          `corporation ${corporationId} is suspended`,
          409,
        );
      }
      return [
        {
          type: 'CorporationSuspended',
          data: { corporationId, reason: command.reason ?? 'unspecified', suspendedAt: at },
        },
      ];
    case 'ReinstateCorporation':
      notDissolved(registered);
      if (registered.status !== 'suspended') {
        throw new DomainError(
          'CORPORATION_NOT_SUSPENDED',
          `corporation ${corporationId} is not suspended`,
          409,
        );
      }
      return [{ type: 'CorporationReinstated', data: { corporationId, reinstatedAt: at } }];
    case 'DissolveCorporation':
      notDissolved(registered);
      return [{ type: 'CorporationDissolved', data: { corporationId, dissolvedAt: at } }];
    case 'AppointRepresentative': {
      notDissolved(registered);
      const { type: _type, validFrom = at, validUntil, eservices, ...appointment } = command;
      validWindow(validFrom, validUntil, at);
      if (registered.appointments.has(command.appointmentId)) {
        throw new DomainError(
          'APPOINTMENT_ALREADY_EXISTS',
          `appointment ${command.appointmentId} exists`,
          409,
        );
      }
      const current = [...registered.appointments.values()].find(
        (a) => a.citizenId === command.citizenId && stillInForce(a, at),
      );
      if (current) {
        throw new DomainError(
          'ALREADY_APPOINTED',
          `this citizen already holds appointment ${current.appointmentId} for corporation ${corporationId}: change it`,
          409,
        );
      }
      return [
        {
          type: 'RepresentativeAppointed',
          data: {
            ...appointment,
            eservices: [...eservices],
            validFrom,
            ...(validUntil && { validUntil }),
            appointedAt: at,
          },
        },
      ];
    }
    case 'ChangeAppointment': {
      notDissolved(registered);
      const appointment = appointmentInForce(registered, command.appointmentId, at);
      const last = appointment.terms[appointment.terms.length - 1]!;
      if (command.validUntil !== undefined) validWindow(appointment.validFrom, command.validUntil, at);
      const changes = {
        ...(command.role !== undefined && command.role !== last.role && { role: command.role }),
        ...(command.eservices !== undefined &&
          JSON.stringify([...command.eservices]) !== JSON.stringify(last.eservices) && {
            eservices: [...command.eservices],
          }),
        ...(command.validUntil !== undefined &&
          command.validUntil !== last.validUntil && { validUntil: command.validUntil }),
      };
      if (Object.keys(changes).length === 0) return [];
      return [
        {
          type: 'AppointmentChanged',
          data: { corporationId, appointmentId: command.appointmentId, ...changes, changedAt: at },
        },
      ];
    }
    case 'RevokeAppointment': {
      appointmentInForce(registered, command.appointmentId, at);
      const { appointmentId, reason } = command;
      return [{ type: 'AppointmentRevoked', data: { corporationId, appointmentId, reason, revokedAt: at } }];
    }
    case 'RegisterSigningKey':
      notDissolved(registered);
      return [keyRegistered(registered, command.key, at)];
    case 'RotateSigningKey': {
      notDissolved(registered);
      const { kid } = usableKey(registered, command.kid, at);
      const successor = keyRegistered(registered, command.successor, at);
      return [
        successor,
        {
          type: 'SigningKeyRotated',
          data: { corporationId, kid, successorKid: successor.data.kid, rotatedAt: at },
        },
      ];
    }
    case 'SignForCorporation': {
      if (registered.status !== 'active') {
        throw new DomainError(
          'CORPORATION_NOT_ACTIVE',
          `corporation ${corporationId} is ${registered.status}: no one may sign for it`,
          409,
        );
      }
      const held = appointmentOf(registered, command.citizenId, at);
      if (!held) {
        throw new DomainError(
          'NOT_A_REPRESENTATIVE',
          `this citizen holds no appointment in force at corporation ${corporationId}`,
          403,
        );
      }
      if (!SIGNING_ROLES.includes(held.term.role)) {
        throw new DomainError(
          'NOT_A_SIGNATORY',
          `a ${held.term.role} may not sign for corporation ${corporationId}`,
          403,
        );
      }
      const { signatureId, citizenId, deviceId, documentDigest } = command;
      return [
        {
          type: 'SignedByRepresentative',
          data: {
            corporationId,
            signatureId,
            appointmentId: held.appointment.appointmentId,
            citizenId,
            role: held.term.role,
            documentDigest,
            deviceId,
            signedAt: at,
          },
        },
      ];
    }
    case 'RevokeSigningKey': {
      const key = registered.keys.get(command.kid);
      if (!key) throw keyNotFound(command.kid);
      if (key.revocation) {
        throw new DomainError('SIGNING_KEY_ALREADY_REVOKED', `key ${command.kid} is already revoked`, 409);
      }
      const { kid, reason, compromisedSince } = command;
      if (compromisedSince !== undefined && reason !== 'compromised') {
        throw new DomainError(
          'COMPROMISE_TIME_WITHOUT_COMPROMISE',
          'compromisedSince is given only with the reason compromised',
          400,
        );
      }
      if (compromisedSince !== undefined && compromisedSince > at) {
        throw new DomainError('COMPROMISE_IN_FUTURE', 'compromisedSince may not be later than now', 400);
      }
      return [
        {
          type: 'SigningKeyRevoked',
          data: {
            corporationId,
            kid,
            reason,
            ...(reason === 'compromised' && { compromisedSince: compromisedSince ?? at }),
            revokedAt: at,
          },
        },
      ];
    }
  }
}

export function registeredCorporation(state: Corporation, corporationId: string): RegisteredCorporation {
  if (state.status === 'unregistered') {
    throw new DomainError('CORPORATION_NOT_FOUND', `no corporation ${corporationId}`, 404);
  }
  return state;
}

function notDissolved(state: RegisteredCorporation): void {
  if (state.status === 'dissolved') {
    throw new DomainError('CORPORATION_DISSOLVED', `corporation ${state.corporationId} is dissolved`, 409);
  }
}

function validWindow(validFrom: string, validUntil: string | undefined, at: string): void {
  if (validUntil !== undefined && (validUntil <= validFrom || validUntil <= at)) {
    throw new DomainError('VALIDITY_WINDOW_INVALID', 'validUntil must be after validFrom and after now', 400);
  }
}

/** Not revoked and not over: it may still be changed or revoked, even if it starts later. */
function stillInForce(appointment: Appointment, at: string): boolean {
  if (appointment.revokedAt !== undefined) return false;
  const until = appointment.terms[appointment.terms.length - 1]!.validUntil;
  return until === undefined || until > at;
}

function appointmentInForce(state: RegisteredCorporation, appointmentId: string, at: string): Appointment {
  const appointment = state.appointments.get(appointmentId);
  if (!appointment) {
    throw new DomainError(
      'APPOINTMENT_NOT_FOUND',
      `no appointment ${appointmentId} at this corporation`,
      404,
    );
  }
  if (!stillInForce(appointment, at)) {
    throw new DomainError('APPOINTMENT_ENDED', `appointment ${appointmentId} has ended`, 409);
  }
  return appointment;
}

function keyNotFound(kid: string): DomainError {
  return new DomainError('SIGNING_KEY_NOT_FOUND', `no signing key ${kid} at this corporation`, 404);
}

function usableKey(state: RegisteredCorporation, kid: string, at: string) {
  const key = state.keys.get(kid);
  if (!key) throw keyNotFound(kid);
  if (
    key.revocation ||
    key.rotatedAt !== undefined ||
    (key.validUntil !== undefined && key.validUntil <= at)
  ) {
    throw new DomainError('SIGNING_KEY_NOT_USABLE', `key ${kid} is revoked, rotated or expired`, 409);
  }
  return key;
}

function keyRegistered(state: RegisteredCorporation, key: NewSigningKey, at: string): SigningKeyRegistered {
  if (state.keys.has(key.kid)) {
    throw new DomainError('SIGNING_KEY_ALREADY_REGISTERED', `key ${key.kid} is already registered`, 409);
  }
  // A key cannot vouch for a time before the platform knew it: signatures dated earlier find no valid key.
  const validFrom = key.validFrom !== undefined && key.validFrom > at ? key.validFrom : at;
  validWindow(validFrom, key.validUntil, at);
  return {
    type: 'SigningKeyRegistered',
    data: { corporationId: state.corporationId, ...key, validFrom, registeredAt: at },
  };
}
