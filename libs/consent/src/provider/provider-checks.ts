import type { JSONWebKeySet } from 'jose';
import {
  verifyingKeysOf,
  verifyJwt,
  type JwtExpectations,
  type VerifyingKey,
} from '../auth/jwt-verification.js';
import type { DataRange } from '../domain/consent-terms.js';
import {
  ARTEFACT_TYP,
  EXCHANGE_REQUEST_TYP,
  WEBHOOK_TYP,
  type ConsentArtefact,
} from '../domain/consent-artefact.js';

/** What the gateway sends a provider for one exchange. */
export interface ExchangeRequestClaims {
  readonly exchangeId: string;
  readonly consentId: string;
  readonly datasetId: string;
  readonly items: readonly string[];
  readonly dataRange: DataRange;
}

export class ConsentCheckFailed extends Error {
  constructor(readonly reason: string) {
    super(`consent check failed: ${reason}`);
    this.name = 'ConsentCheckFailed';
  }
}

export interface ProviderKeys {
  /** The gateway's artefact keys (`GET /gateway/jwks/artefacts`). */
  readonly artefacts: JSONWebKeySet;
  /** The gateway's message keys (`GET /gateway/jwks/messages`). */
  readonly messages: JSONWebKeySet;
}

/**
 * A provider's own check before it releases data, offline: the request is the gateway's, for this provider, and
 * the consent artefact is the gateway's, in force now, for this provider and dataset, covering the items and
 * dates asked. Throws ConsentCheckFailed with the reason otherwise.
 */
export async function checkExchangeRequest(
  body: { request?: unknown; artefact?: unknown },
  provider: {
    readonly providerId: string;
    readonly gatewayUrl: string;
    readonly keys: ProviderKeys;
    readonly now?: Date;
  },
): Promise<{ request: ExchangeRequestClaims; artefact: ConsentArtefact }> {
  if (typeof body.request !== 'string' || typeof body.artefact !== 'string') {
    throw new ConsentCheckFailed('request and artefact must be compact JWS');
  }
  const expectations = {
    issuer: provider.gatewayUrl,
    algorithms: ['ES256'],
    now: provider.now ?? new Date(),
  };
  const request = verified<ExchangeRequestClaims>(
    body.request,
    provider.keys.messages,
    { ...expectations, typ: EXCHANGE_REQUEST_TYP, audience: provider.providerId },
    'the exchange request is not signed by the gateway for this provider',
  );
  const artefact = verified<ConsentArtefact>(
    body.artefact,
    provider.keys.artefacts,
    { ...expectations, typ: ARTEFACT_TYP },
    'the consent artefact is not a valid gateway artefact in force',
  );
  const { terms } = artefact;
  if (terms.providerId !== provider.providerId)
    throw new ConsentCheckFailed('the consent names another provider');
  if (terms.consentId !== request.consentId || terms.datasetId !== request.datasetId) {
    throw new ConsentCheckFailed('the request is not for this consent and dataset');
  }
  if (!request.items.every((item) => terms.items.includes(item))) {
    throw new ConsentCheckFailed('the consent does not cover every item asked for');
  }
  if (request.dataRange.from < terms.dataRange.from || request.dataRange.to > terms.dataRange.to) {
    throw new ConsentCheckFailed("the dates asked for are outside the consent's");
  }
  return { request, artefact };
}

/** A consent change the gateway notified, as a participant's webhook receives it (a compact JWS). */
export interface ConsentWebhookNotice {
  readonly jti: string;
  readonly notice: { type: string; consentId: string; status: string; at: string; eventId: string };
}

/** Verifies a webhook body offline with the gateway's message keys; dedupe on `jti`, it may come twice. */
export async function verifyConsentWebhook(
  body: string,
  participant: {
    readonly participantId: string;
    readonly gatewayUrl: string;
    readonly messageKeys: JSONWebKeySet;
  },
): Promise<ConsentWebhookNotice> {
  return verified<ConsentWebhookNotice>(
    body,
    participant.messageKeys,
    {
      issuer: participant.gatewayUrl,
      audience: participant.participantId,
      algorithms: ['ES256'],
      typ: WEBHOOK_TYP,
      now: new Date(),
    },
    'the webhook body is not signed by the gateway for this participant',
  );
}

/** A key set's keys, imported once: a provider checks every exchange with the same few. */
const importedKeys = new WeakMap<JSONWebKeySet, readonly VerifyingKey[]>();

function verified<Claims>(
  jws: string,
  jwks: JSONWebKeySet,
  expect: JwtExpectations,
  refusal: string,
): Claims {
  let keys = importedKeys.get(jwks);
  if (!keys) {
    keys = verifyingKeysOf(jwks as { keys: Record<string, unknown>[] });
    importedKeys.set(jwks, keys);
  }
  try {
    return verifyJwt(jws, keys, expect).payload as Claims;
  } catch {
    throw new ConsentCheckFailed(refusal);
  }
}
