import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface GatewayParticipantOptions {
  /** Where the platform listens, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** The gateway's URL, the audience of the participant's tokens: `$PUBLIC_URL/gateway`. */
  readonly gatewayUrl?: string;
  /** The clock that dates the tokens; the system clock unless a test moves time. */
  readonly clock?: { now(): Date };
}

/** The gateway's refusal: its status and problem document. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { code?: string } & Record<string, unknown>,
  ) {
    super(`the gateway answered ${status} ${problem.code ?? ''}`);
    this.name = 'GatewayError';
  }
}

/**
 * A department's client of the gateway, as a demo or test drives it: an ES256 key pair of its own, and every call
 * authenticated by a fresh short-lived JWT signed with it (private_key_jwt).
 */
export class GatewayParticipant {
  private constructor(
    readonly participantId: string,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    private readonly options: GatewayParticipantOptions,
  ) {}

  static async create(
    participantId: string,
    options: GatewayParticipantOptions,
  ): Promise<GatewayParticipant> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = {
      ...(await exportJWK(publicKey)),
      kid: `${participantId}-1`,
      alg: 'ES256',
      use: 'sig',
    };
    return new GatewayParticipant(participantId, privateKey, publicJwk, options);
  }

  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** A one-time token for one call: 2 minutes to live. `overrides` replace claims, for tests of refusals. */
  token(overrides: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor((this.options.clock?.now() ?? new Date()).getTime() / 1000);
    return new SignJWT({
      iss: this.participantId,
      sub: this.participantId,
      aud: this.options.gatewayUrl ?? `${this.options.baseUrl}/gateway`,
      iat: now,
      exp: now + 120,
      jti: randomUUID(),
      ...overrides,
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.publicJwk.kid! })
      .sign(this.privateKey);
  }

  async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const response = await fetch(new URL(path, this.options.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${token ?? (await this.token())}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const answer = (await response.json().catch(() => ({}))) as T & { code?: string };
    if (!response.ok) throw new GatewayError(response.status, answer as Record<string, unknown>);
    return answer;
  }
}
