import { hkdfSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { errors, type Client, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * The client metadata member carrying the e-service's security profile (see SECURITY_PROFILES in the
 * registry): `fapi2` turns on oidc-provider's FAPI 2.0 behaviour for that e-service alone.
 */
export const SECURITY_PROFILE_METADATA = 'security_profile';

/**
 * RFC 9449 §11.1: a proof is accepted for a short while after its `iat`. oidc-provider checks `iat` only of
 * proofs without a nonce, and a nonce is required of every proof here: this bounds the others too.
 */
export const MAX_DPOP_PROOF_AGE = 60;

/** What the e-services' encryption keys may receive: nested JWS in JWE, by key type, content in A256GCM. */
export const ENCRYPTION_JWA = {
  idTokenEncryptionAlgValues: ['ECDH-ES+A256KW', 'RSA-OAEP-256'],
  idTokenEncryptionEncValues: ['A256GCM'],
  userinfoEncryptionAlgValues: ['ECDH-ES+A256KW', 'RSA-OAEP-256'],
  userinfoEncryptionEncValues: ['A256GCM'],
  // No encrypted request objects: they would need encryption keys of the provider's, which it does not publish.
  requestObjectEncryptionAlgValues: [],
  requestObjectEncryptionEncValues: [],
} satisfies NonNullable<Configuration['enabledJWA']>;

/** FAPI 2.0 §5.3.2.1: a client assertion lives 60 seconds at most, so a leaked one is soon worthless. */
export const MAX_CLIENT_ASSERTION_LIFETIME = 60;

const isFapi2 = (client: Client | undefined): boolean =>
  (client as unknown as Record<string, unknown> | undefined)?.[SECURITY_PROFILE_METADATA] === 'fapi2';

/**
 * The configuration pieces behind the per-e-service profiles: FAPI 2.0 where the e-service's metadata says so,
 * and DPoP with server nonces for every e-service that sends proofs (required of FAPI ones by their metadata,
 * `dpop_bound_access_tokens`). The nonce secret is derived from the cookie key, so that every instance, and
 * the next start, accepts the nonces this one handed out.
 */
export function securityProfileConfiguration(cookieKey: Buffer): Pick<
  Configuration,
  'extraClientMetadata' | 'assertJwtClientAuthClaimsAndHeader'
> & {
  features: Pick<
    NonNullable<Configuration['features']>,
    'fapi' | 'dPoP' | 'clientCredentials' | 'jwtUserinfo' | 'encryption'
  >;
} {
  return {
    extraClientMetadata: { properties: [SECURITY_PROFILE_METADATA] },
    assertJwtClientAuthClaimsAndHeader,
    features: {
      // For e-services registered with the grant (client metadata grant_types); DPoP-bound under fapi2.
      clientCredentials: { enabled: true },
      // Signed userinfo for e-services that register userinfo_signed_response_alg.
      jwtUserinfo: { enabled: true },
      // Encrypted ID tokens and userinfo for e-services that register an encryption key (see ENCRYPTION_JWA).
      encryption: { enabled: true },
      fapi: { enabled: true, profile: (_ctx, client) => (isFapi2(client) ? '2.0' : undefined) },
      dPoP: {
        enabled: true,
        nonceSecret: Buffer.from(hkdfSync('sha256', cookieKey, Buffer.alloc(0), 'dpop-nonce', 32)),
        requireNonce: freshProofNeedingNonce,
      },
    },
  };
}

/**
 * oidc-provider asks this of every DPoP proof before it checks the proof (within the endpoint's OAuth error
 * handling, so a refusal here is an `invalid_dpop_proof` answer): the one place to refuse a stale `iat`.
 * A proof that does not even decode is left to oidc-provider, which refuses it.
 */
function freshProofNeedingNonce(ctx: KoaContextWithOIDC): boolean {
  let iat: unknown;
  try {
    iat = decodeJwt(ctx.get('DPoP')).iat;
  } catch {
    return true;
  }
  if (typeof iat === 'number' && Math.abs(Date.now() / 1000 - iat) > MAX_DPOP_PROOF_AGE) {
    throw new errors.InvalidDpopProof(`DPoP proof iat must be within ${MAX_DPOP_PROOF_AGE} seconds of now`);
  }
  return true;
}

/**
 * Replaces oidc-provider's own check (the issuer as audience under FAPI 2.0) with the same and a lifetime bound.
 * Signature, `iss`, `exp` and single use of `jti` are checked by oidc-provider before and after this.
 */
async function assertJwtClientAuthClaimsAndHeader(
  ctx: KoaContextWithOIDC,
  claims: Record<string, unknown>,
  _header: Record<string, unknown>,
  client: Client,
): Promise<void> {
  if (!isFapi2(client)) return;
  if (claims['aud'] !== ctx.oidc.issuer) {
    throw new errors.InvalidClientAuth('audience (aud) must equal the issuer identifier url');
  }
  const exp = claims['exp'] as number;
  const start = typeof claims['iat'] === 'number' ? claims['iat'] : Math.floor(Date.now() / 1000);
  if (exp - start > MAX_CLIENT_ASSERTION_LIFETIME) {
    throw new errors.InvalidClientAuth(
      `the client assertion must expire at most ${MAX_CLIENT_ASSERTION_LIFETIME} seconds after it was issued`,
    );
  }
}
