import type { JsonObject } from '#libs/event-store';

/**
 * What the citizen's device signs to read the corporations they represent (see libs/identity's
 * signed-payloads.ts for the contract): its own member, so the signature passes for no other request.
 */
export const representationsReadingPayload = (citizenId: string): JsonObject => ({
  citizenId,
  corporateReading: 'representations',
});
