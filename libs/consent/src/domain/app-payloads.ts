import type { JsonObject } from '#libs/event-store';

/*
 * What the citizen's device signs for consents (see libs/identity's signed-payloads.ts for the contract): each
 * kind of request has its own set of members, so a signature made for one cannot pass for another.
 */
export type ConsentDecision = 'approve' | 'reject';
export type ConsentChange = 'pause' | 'resume' | 'revoke';

/** The decision binds the terms' hash: an approval signed for some terms approves those and no others. */
export const consentDecisionPayload = (
  consentId: string,
  termsHash: string,
  decision: ConsentDecision,
): JsonObject => ({
  consentId,
  termsHash,
  consentDecision: decision,
});

export const consentChangePayload = (consentId: string, change: ConsentChange): JsonObject => ({
  consentId,
  consentChange: change,
});

/** The citizen reading their own consents or access log. */
export const consentReadingPayload = (citizenId: string, reading: 'consents' | 'access-log'): JsonObject => ({
  citizenId,
  consentReading: reading,
});
