import { randomUUID } from 'node:crypto';
import type { EventStore, JsonObject } from '#libs/event-store';

/**
 * Protocol outcomes that statistics count, as events: one stream per e-service. They record facts the OAuth
 * machinery already decided, so they are appended without an expected revision.
 */
export type ProtocolEvent =
  | {
      readonly type: 'TokenIssued';
      readonly data: {
        clientId: string;
        citizenId: string;
        acr: string;
        claimsReleased: string[];
        grantType: string;
        issuedAt: string;
      };
    }
  | {
      readonly type: 'LoginFailed';
      readonly data: { clientId: string; reason: string; failedAt: string };
    };

export const protocolStream = (clientId: string): string => `oidcActivity-${clientId}`;

export async function recordProtocolEvent(store: EventStore, event: ProtocolEvent): Promise<void> {
  await store.append(protocolStream(event.data.clientId), [
    {
      id: randomUUID(),
      type: event.type,
      data: event.data as JsonObject,
      metadata: {
        actor: `eservice:${event.data.clientId}`,
        occurredAt: event.type === 'TokenIssued' ? event.data.issuedAt : event.data.failedAt,
        schemaVersion: 1,
      },
    },
  ]);
}
