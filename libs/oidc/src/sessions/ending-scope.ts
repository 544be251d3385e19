import type { RecordedEvent } from '#libs/event-store';
import type { SessionEndReason } from './sessions-ended.event.js';

/** Which grants a fact ends: those matching every field given, approved no later than `approvedUntil`. */
export interface EndingScope {
  readonly reason: SessionEndReason;
  readonly citizenId?: string;
  readonly deviceId?: string;
  readonly clientId?: string;
  readonly corporationId?: string;
  /**
   * Grants approved after the fact are not covered: a reinstated citizen's new logins survive a replay of the
   * suspension, and the device check at use already refuses anything a revoked device approves.
   */
  readonly approvedUntil: string;
}

/** The facts that end sessions, from the identity, e-service and corporate contexts. */
export const ENDING_EVENT_TYPES = [
  'DeviceRevoked',
  'CitizenSuspended',
  'EServiceSuspended',
  'AppointmentRevoked',
] as const;

type Data = Record<string, string>;

/**
 * What `event` ends; an appointment's revocation names no citizen, so `appointee` tells who held it.
 * Pure: the reaction does the reading and destroying.
 */
export function endingScopeOf(
  event: Pick<RecordedEvent, 'type' | 'data'>,
  appointee: (appointmentId: string) => string | undefined,
): EndingScope | undefined {
  const data = event.data as Data;
  switch (event.type) {
    case 'DeviceRevoked':
      return {
        reason: data['reason'] === 'lost' ? 'device-lost' : 'device-replaced',
        citizenId: data['citizenId']!,
        deviceId: data['deviceId']!,
        approvedUntil: data['revokedAt']!,
      };
    case 'CitizenSuspended':
      return {
        reason: 'citizen-suspended',
        citizenId: data['citizenId']!,
        approvedUntil: data['suspendedAt']!,
      };
    case 'EServiceSuspended':
      return {
        reason: 'eservice-suspended',
        clientId: data['clientId']!,
        approvedUntil: data['suspendedAt']!,
      };
    case 'AppointmentRevoked': {
      const citizenId = appointee(data['appointmentId']!);
      return citizenId === undefined
        ? undefined
        : {
            reason: 'appointment-revoked',
            citizenId,
            corporationId: data['corporationId']!,
            approvedUntil: data['revokedAt']!,
          };
    }
    default:
      return undefined;
  }
}
