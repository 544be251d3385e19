import type { RegisteredCorporation } from '../domain/corporation.state.js';

/**
 * A corporation's keys as a JWKS, for offline verifiers. Beside the standard members, each key carries its
 * dated history (`valid_from`, `valid_until`, `rotated_at`, `revoked_at`, `compromised_since`) so that a verifier
 * can judge a signature at its signing time as the platform does.
 */
export function verificationKeysOf(corporation: RegisteredCorporation) {
  return {
    corporationId: corporation.corporationId,
    nameEn: corporation.nameEn,
    status: corporation.status,
    statusHistory: corporation.statusHistory,
    jwks: {
      keys: [...corporation.keys.values()].map((key) => ({
        ...key.publicJwk,
        kid: key.kid,
        use: 'sig',
        ...(key.algorithms.length === 1 && { alg: key.algorithms[0] }),
        algs: key.algorithms,
        valid_from: key.validFrom,
        ...(key.validUntil !== undefined && { valid_until: key.validUntil }),
        ...(key.rotatedAt !== undefined && { rotated_at: key.rotatedAt }),
        ...(key.revocation && {
          revoked_at: key.revocation.revokedAt,
          revocation_reason: key.revocation.reason,
          ...(key.revocation.compromisedSince !== undefined && {
            compromised_since: key.revocation.compromisedSince,
          }),
        }),
      })),
    },
  };
}
