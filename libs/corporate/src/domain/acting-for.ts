import { appointmentOf, statusAt, type RegisteredCorporation } from './corporation.state.js';
import type { RepresentativeRole } from './corporation.events.js';

/** A corporation the citizen represents at a given time, as their app lists it. */
export interface Representation {
  readonly corporationId: string;
  readonly name: string;
  readonly nameZh?: string;
  readonly role: RepresentativeRole;
  /** The e-services (client ids) the appointment covers, or `*` for all. */
  readonly eservices: readonly string[];
  readonly validUntil?: string;
}

/** The citizen's representation of the corporation at `at`: an active corporation and an appointment in force. */
export function representationAt(
  corporation: RegisteredCorporation,
  citizenId: string,
  at: string,
): Representation | undefined {
  if (statusAt(corporation, at) !== 'active') return undefined;
  const held = appointmentOf(corporation, citizenId, at);
  if (!held) return undefined;
  const { role, eservices, validUntil } = held.term;
  return {
    corporationId: corporation.corporationId,
    name: corporation.nameEn,
    ...(corporation.nameZh !== undefined && { nameZh: corporation.nameZh }),
    role,
    eservices,
    ...(validUntil !== undefined && { validUntil }),
  };
}

/**
 * Whether the citizen may act for the corporation at the e-service `clientId` at `at`: a representation then,
 * covering that e-service (or all, `*`). What corporate login offers the citizen.
 */
export function actingForAt(
  corporation: RegisteredCorporation,
  citizenId: string,
  clientId: string,
  at: string,
): { corporationId: string; name: string; role: string } | undefined {
  const held = representationAt(corporation, citizenId, at);
  if (!held || !(held.eservices.includes('*') || held.eservices.includes(clientId))) return undefined;
  return { corporationId: held.corporationId, name: held.name, role: held.role };
}
