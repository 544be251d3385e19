import { randomUUID } from 'node:crypto';
import type { EventStore, JsonObject } from '#libs/event-store';
import type { DomainEvent } from '#libs/eventsourcing';

/** Why sessions ended: what a relying party's audit, and ours, needs to tell a logout from a lost phone. */
export type SessionEndReason =
  | 'device-lost'
  | 'device-replaced'
  | 'citizen-suspended'
  | 'eservice-suspended'
  | 'appointment-revoked'
  | 'citizen-logout';

/** A browser session's authorization at one e-service: what a back-channel logout token names (`sid`). */
export type EndedSession = { citizenId: string; clientId: string; sid: string };

/**
 * Sessions, grants and their tokens were destroyed: the fact behind every back-channel logout. Exactly one of
 * `citizenId` / `clientId` says whose; `deviceId`, `corporationId` narrow it.
 */
export type SessionsEnded = DomainEvent<
  'SessionsEnded',
  {
    reason: SessionEndReason;
    citizenId?: string;
    deviceId?: string;
    clientId?: string;
    corporationId?: string;
    grantsRevoked: number;
    sessions: EndedSession[];
    endedAt: string;
  }
>;

export const sessionsStream = (subject: string): string => `oidcSessions-${subject}`;

/**
 * Appends the ending, without an expected revision: it records what was already destroyed. `id` is derived
 * from the cause where there is one, so a reaction that runs twice records it once.
 */
export async function recordSessionsEnded(
  store: EventStore,
  event: SessionsEnded,
  metadata: { id?: string; causationId?: string; correlationId?: string; actor: string },
): Promise<void> {
  const { id, ...rest } = metadata;
  await store.append(sessionsStream(event.data.citizenId ?? event.data.clientId!), [
    {
      id: id ?? randomUUID(),
      type: event.type,
      data: event.data as JsonObject,
      metadata: { ...rest, occurredAt: event.data.endedAt, schemaVersion: 1 },
    },
  ]);
}
