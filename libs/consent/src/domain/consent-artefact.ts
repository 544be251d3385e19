import type { JsonObject } from '#libs/event-store';
import type { ConsentTerms } from './consent-terms.js';

/** The `typ` of the artefact JWS, and of the gateway's messages (signed under their own purposes' keys). */
export const ARTEFACT_PURPOSE = 'consent-artefacts';
export const ARTEFACT_TYP = 'consent-artefact+jwt';
export const MESSAGES_PURPOSE = 'consent-gateway-messages';
export const EXCHANGE_REQUEST_TYP = 'exchange-request+jwt';
export const WEBHOOK_TYP = 'consent-webhook+jwt';

/**
 * The consent artefact as the gateway signs it: the terms, their hash, and the citizen's device signature over
 * that hash, so that a provider holding it can check offline who agreed to what, until when.
 */
export type ConsentArtefact = {
  iss: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  terms: ConsentTerms;
  termsHash: string;
  approval: { deviceId: string; signature: string; approvedAt: string };
};

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function artefactOf(
  gatewayUrl: string,
  terms: ConsentTerms,
  termsHash: string,
  approval: ConsentArtefact['approval'],
): ConsentArtefact {
  return {
    iss: gatewayUrl,
    jti: terms.consentId,
    iat: seconds(approval.approvedAt),
    nbf: seconds(terms.validFrom),
    exp: Math.ceil(Date.parse(terms.expiresAt) / 1000),
    terms,
    termsHash,
    approval,
  };
}

export const asJson = (artefact: ConsentArtefact): JsonObject => artefact as unknown as JsonObject;
