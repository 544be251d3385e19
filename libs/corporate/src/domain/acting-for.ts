import { appointmentOf, statusAt, type RegisteredCorporation } from './corporation.state.js';

/**
 * Whether the citizen may act for the corporation at the e-service `clientId` at `at`: an active corporation,
 * an appointment in force then, covering that e-service (or all, `*`). What corporate login offers the citizen.
 */
export function actingForAt(
  corporation: RegisteredCorporation,
  citizenId: string,
  clientId: string,
  at: string,
): { corporationId: string; name: string; role: string } | undefined {
  if (statusAt(corporation, at) !== 'active') return undefined;
  const held = appointmentOf(corporation, citizenId, at);
  if (!held || !(held.term.eservices.includes('*') || held.term.eservices.includes(clientId)))
    return undefined;
  return { corporationId: corporation.corporationId, name: corporation.nameEn, role: held.term.role };
}
