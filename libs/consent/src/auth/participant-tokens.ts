import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '#libs/errors';
import { CLOCK, type Clock } from '#libs/eventsourcing';
import { CONSENT_OPTIONS, type ConsentOptions } from '../consent.options.js';
import { ConsentCatalogue, type ParticipantView } from '../projections/consent-catalogue.js';
import { JwtInvalid, verifyingKeysOf, verifyJwt, type VerifyingKey } from './jwt-verification.js';

/** The algorithms a participant may sign with: those of the key types its JWKS may hold (see parseClientJwks). */
const ALGORITHMS = ['ES256', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'];
const MAX_LIFETIME_S = 300;
const CLOCK_SKEW_S = 30;

const invalid = (why: string) =>
  new DomainError('PARTICIPANT_TOKEN_INVALID', `participant token: ${why}`, 401);

/**
 * `private_key_jwt` for the gateway: each call carries a JWT the participant signed, iss = sub = its id, aud = the
 * gateway, living at most 5 minutes, with a `jti` used once. The key is one of the participant's registered
 * keys, never one named by the token; imported keys are kept, as every call verifies one.
 */
@Injectable()
export class ParticipantTokens {
  private readonly keys = new Map<string, readonly VerifyingKey[]>();
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
    // Only to know whose keys to try: nothing is believed before the signature verifies with one of them.
    const participantId = unverifiedIssuerOf(token);
    const participant =
      participantId === undefined ? undefined : await this.catalogue.participant(participantId);
    if (!participant) throw invalid('unknown participant');

    const now = this.clock.now();
    let claims;
    try {
      ({ payload: claims } = verifyJwt(token, this.verifyingKeys(participant), {
        algorithms: ALGORITHMS,
        audience: this.options.gatewayUrl,
        issuer: participant.participantId,
        subject: participant.participantId,
        now,
        clockToleranceS: CLOCK_SKEW_S,
        requiredClaims: ['exp', 'iat', 'jti'],
      }));
    } catch (error) {
      if (!(error instanceof JwtInvalid)) throw error;
      throw invalid(`${error.why} (signature, audience, issuer and time are checked)`);
    }
    const { exp, iat, jti } = claims as { exp: number; iat: number; jti: unknown };
    // Both: a token dated in the future would otherwise live as long as its issuer liked.
    if (exp - iat > MAX_LIFETIME_S || exp * 1000 - now.getTime() > (MAX_LIFETIME_S + CLOCK_SKEW_S) * 1000) {
      throw invalid(`a token may live at most ${MAX_LIFETIME_S} seconds`);
    }
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 200)
      throw invalid('jti must be a string');
    this.useOnce(`${participant.participantId} ${jti}`, exp * 1000 + CLOCK_SKEW_S * 1000, now.getTime());
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

  private verifyingKeys(participant: ParticipantView): readonly VerifyingKey[] {
    let keys = this.keys.get(participant.participantId);
    if (!keys) {
      keys = verifyingKeysOf(participant.jwks);
      this.keys.set(participant.participantId, keys);
    }
    return keys;
  }
}

/** The `iss` of a token whose signature is not checked yet; undefined when it has none or is no JWT. */
function unverifiedIssuerOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as unknown;
    const iss = (payload as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
