import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { DomainError } from '#libs/errors';
import { CLOCK, type Clock } from '#libs/eventsourcing';
import { CONSENT_OPTIONS, type ConsentOptions } from '../consent.options.js';
import { ConsentCatalogue, type ParticipantView } from '../projections/consent-catalogue.js';

/** The algorithms a participant may sign with: those of the key types its JWKS may hold (see parseClientJwks). */
const ALGORITHMS = ['ES256', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'];
const MAX_LIFETIME_S = 300;
const CLOCK_SKEW_S = 30;
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

const invalid = (why: string) =>
  new DomainError('PARTICIPANT_TOKEN_INVALID', `participant token: ${why}`, 401);

type ImportedKey = { readonly kid?: string; readonly alg?: string; readonly key: CryptoKey };

/**
 * `private_key_jwt` for the gateway: each call carries a JWT the participant signed, iss = sub = its id, aud = the
 * gateway, living at most 5 minutes, with a `jti` used once. The key is one of the participant's registered
 * keys, never one named by the token; imported keys are kept, as every call verifies one.
 */
@Injectable()
export class ParticipantTokens {
  private readonly keys = new Map<string, Promise<ImportedKey[]>>();
  /** `iss jti` → when the token expires (ms): a replay is refused until then, and forgotten after. */
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly catalogue: ConsentCatalogue,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async authenticate(authorization: string | undefined): Promise<ParticipantView> {
    const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) {
      throw new DomainError(
        'PARTICIPANT_TOKEN_REQUIRED',
        'this endpoint needs Authorization: Bearer <a JWT signed by a registered participant key>',
        401,
      );
    }
    let header;
    let claims;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw invalid('not a JWT');
    }
    if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg))
      throw invalid('algorithm not accepted');
    if (KEY_HEADERS.some((name) => name in header)) throw invalid('the key is never taken from the token');
    const participantId = claims.iss;
    if (typeof participantId !== 'string' || claims.sub !== participantId)
      throw invalid('iss and sub must be the participant id');
    const participant = await this.catalogue.participant(participantId);
    if (!participant) throw invalid('unknown participant');

    const now = this.clock.now();
    const candidates = (await this.importedKeys(participant)).filter(
      (k) =>
        (header.kid === undefined || k.kid === header.kid) && (k.alg === undefined || k.alg === header.alg),
    );
    let verified = false;
    for (const { key } of candidates) {
      try {
        await jwtVerify(token, key, {
          algorithms: ALGORITHMS,
          audience: this.options.gatewayUrl,
          issuer: participantId,
          subject: participantId,
          currentDate: now,
          clockTolerance: CLOCK_SKEW_S,
          requiredClaims: ['exp', 'iat', 'jti'],
        });
        verified = true;
        break;
      } catch {
        // another of the participant's keys may verify it
      }
    }
    if (!verified) throw invalid('signature, audience, issuer or time not valid');
    const { exp, iat, jti } = claims as { exp: number; iat: number; jti: unknown };
    // Both: a token dated in the future would otherwise live as long as its issuer liked.
    if (exp - iat > MAX_LIFETIME_S || exp * 1000 - now.getTime() > (MAX_LIFETIME_S + CLOCK_SKEW_S) * 1000) {
      throw invalid(`a token may live at most ${MAX_LIFETIME_S} seconds`);
    }
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 200)
      throw invalid('jti must be a string');
    this.useOnce(`${participantId} ${jti}`, exp * 1000 + CLOCK_SKEW_S * 1000, now.getTime());
    return participant;
  }

  private useOnce(key: string, expiresAt: number, now: number): void {
    if (now >= this.nextSweep) {
      for (const [seenKey, until] of this.seen) if (until <= now) this.seen.delete(seenKey);
      this.nextSweep = now + 60_000;
    }
    if (this.seen.has(key)) throw invalid('this jti was already used');
    this.seen.set(key, expiresAt);
  }

  private importedKeys(participant: ParticipantView): Promise<ImportedKey[]> {
    let keys = this.keys.get(participant.participantId);
    if (!keys) {
      keys = Promise.all(
        participant.jwks.keys.map(async (jwk) => ({
          ...(jwk['kid'] !== undefined && { kid: jwk['kid'] }),
          ...(jwk['alg'] !== undefined && { alg: jwk['alg'] }),
          key: (await importJWK(jwk as JWK, jwk['alg'] ?? defaultAlg(jwk))) as CryptoKey,
        })),
      );
      this.keys.set(participant.participantId, keys);
    }
    return keys;
  }
}

function defaultAlg(jwk: Record<string, string>): string {
  if (jwk['kty'] === 'EC') return 'ES256';
  if (jwk['kty'] === 'OKP') return 'EdDSA';
  return 'PS256';
}
