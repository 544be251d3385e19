import type { Evolver } from '#libs/eventsourcing';
import {
  CORPORATION_EVENT_TYPES,
  type CorporationEvent,
  type KeyRevocationReason,
  type PublicSigningJwk,
  type RepresentativeRole,
  type SigningAlgorithm,
} from './corporation.events.js';

export type CorporationStatus = 'active' | 'suspended' | 'dissolved';

/** What an appointment said from `since` on: a change adds a term, so the past stays answerable. */
export interface AppointmentTerm {
  readonly since: string;
  readonly role: RepresentativeRole;
  readonly eservices: readonly string[];
  readonly validUntil?: string;
}

export interface Appointment {
  readonly appointmentId: string;
  readonly citizenId: string;
  readonly validFrom: string;
  readonly terms: readonly AppointmentTerm[];
  readonly revokedAt?: string;
}

export interface SigningKey {
  readonly kid: string;
  readonly usage: 'seal';
  readonly publicJwk: PublicSigningJwk;
  readonly algorithms: readonly SigningAlgorithm[];
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly registeredAt: string;
  readonly rotatedAt?: string;
  readonly successorKid?: string;
  readonly revocation?: {
    readonly reason: KeyRevocationReason;
    readonly revokedAt: string;
    readonly compromisedSince?: string;
  };
}

/**
 * A corporation with its whole dated history (status, appointment terms, keys): decisions read its present,
 * signature validation reads it as it stood at the signing time.
 */
export interface RegisteredCorporation {
  readonly status: CorporationStatus;
  readonly corporationId: string;
  readonly brNumber: string;
  readonly crNumber: string;
  readonly nameEn: string;
  readonly nameZh?: string;
  readonly registeredAt: string;
  readonly statusHistory: readonly { readonly status: CorporationStatus; readonly since: string }[];
  readonly appointments: ReadonlyMap<string, Appointment>;
  readonly keys: ReadonlyMap<string, SigningKey>;
}

export type Corporation = { readonly status: 'unregistered' } | RegisteredCorporation;

export const corporation: Evolver<Corporation, CorporationEvent> = {
  eventTypes: CORPORATION_EVENT_TYPES,
  initialState: () => ({ status: 'unregistered' }),
  evolve(state, event) {
    if (event.type === 'CorporationRegistered') {
      const { registeredAt, ...identity } = event.data;
      return {
        ...identity,
        status: 'active',
        registeredAt,
        statusHistory: [{ status: 'active', since: registeredAt }],
        appointments: new Map(),
        keys: new Map(),
      };
    }
    if (state.status === 'unregistered') return state;
    switch (event.type) {
      case 'CorporationSuspended':
        return withStatus(state, 'suspended', event.data.suspendedAt);
      case 'CorporationReinstated':
        return withStatus(state, 'active', event.data.reinstatedAt);
      case 'CorporationDissolved':
        return withStatus(state, 'dissolved', event.data.dissolvedAt);
      case 'RepresentativeAppointed': {
        const { appointmentId, citizenId, validFrom, appointedAt, role, eservices, validUntil } = event.data;
        const term = { since: appointedAt, role, eservices, ...(validUntil && { validUntil }) };
        return withAppointment(state, { appointmentId, citizenId, validFrom, terms: [term] });
      }
      case 'AppointmentChanged': {
        const appointment = state.appointments.get(event.data.appointmentId);
        if (!appointment) return state;
        const { corporationId: _c, appointmentId: _a, changedAt, ...changes } = event.data;
        const last = appointment.terms[appointment.terms.length - 1]!;
        return withAppointment(state, {
          ...appointment,
          terms: [...appointment.terms, { ...last, ...changes, since: changedAt }],
        });
      }
      case 'AppointmentRevoked': {
        const appointment = state.appointments.get(event.data.appointmentId);
        if (!appointment) return state;
        return withAppointment(state, { ...appointment, revokedAt: event.data.revokedAt });
      }
      case 'SigningKeyRegistered': {
        const { corporationId: _c, ...key } = event.data;
        return withKey(state, key);
      }
      case 'SigningKeyRotated': {
        const key = state.keys.get(event.data.kid);
        if (!key) return state;
        return withKey(state, {
          ...key,
          rotatedAt: event.data.rotatedAt,
          successorKid: event.data.successorKid,
        });
      }
      case 'SigningKeyRevoked': {
        const key = state.keys.get(event.data.kid);
        if (!key) return state;
        const { reason, revokedAt, compromisedSince } = event.data;
        return withKey(state, {
          ...key,
          revocation: { reason, revokedAt, ...(compromisedSince && { compromisedSince }) },
        });
      }
      case 'SignedByRepresentative':
        return state;
    }
  },
};

function withStatus(
  state: RegisteredCorporation,
  status: CorporationStatus,
  since: string,
): RegisteredCorporation {
  return { ...state, status, statusHistory: [...state.statusHistory, { status, since }] };
}

function withAppointment(state: RegisteredCorporation, appointment: Appointment): RegisteredCorporation {
  return { ...state, appointments: new Map(state.appointments).set(appointment.appointmentId, appointment) };
}

function withKey(state: RegisteredCorporation, key: SigningKey): RegisteredCorporation {
  return { ...state, keys: new Map(state.keys).set(key.kid, key) };
}

/** The corporation's status at `at` (ISO 8601, as every time in the log). */
export function statusAt(state: RegisteredCorporation, at: string): CorporationStatus | undefined {
  let status: CorporationStatus | undefined;
  for (const change of state.statusHistory) if (change.since <= at) status = change.status;
  return status;
}

/** The citizen's appointment in force at `at`, with its terms then. */
export function appointmentOf(
  state: RegisteredCorporation,
  citizenId: string,
  at: string,
): { appointment: Appointment; term: AppointmentTerm } | undefined {
  for (const appointment of state.appointments.values()) {
    if (appointment.citizenId !== citizenId) continue;
    const term = termAt(appointment, at);
    if (term) return { appointment, term };
  }
  return undefined;
}

/** The appointment's terms in force at `at`, if it was in force then at all. */
export function termAt(appointment: Appointment, at: string): AppointmentTerm | undefined {
  if (at < appointment.validFrom) return undefined;
  if (appointment.revokedAt !== undefined && appointment.revokedAt <= at) return undefined;
  let term: AppointmentTerm | undefined;
  for (const t of appointment.terms) if (t.since <= at) term = t;
  // Terms date from their recording; an appointment valid from an earlier date takes its first terms.
  term ??= appointment.terms[0];
  if (term?.validUntil !== undefined && term.validUntil <= at) return undefined;
  return term;
}
