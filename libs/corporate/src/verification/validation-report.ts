/*
 * The answer to "can I rely on this signature?", in the vocabulary of ETSI EN 319 102-1 (as the EU DSS library
 * reports it): an indication, a sub-indication saying why when it is not TOTAL_PASSED, the signer, the signing
 * time and every check run, in order.
 */

export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

export type SubIndication =
  // TOTAL_FAILED
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  // INDETERMINATE
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'SIGNED_DATA_NOT_FOUND'
  | 'REVOKED_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'NO_POE';

export type CheckName =
  | 'format'
  | 'signing-key-identified'
  | 'algorithm-allowed'
  | 'signature-value'
  | 'signature-timestamp'
  | 'key-validity-at-signing-time'
  | 'key-not-revoked-at-signing-time'
  | 'corporation-status-at-signing-time'
  | 'document-digest'
  | 'representative-appointment-at-signing-time';

export interface Check {
  readonly name: CheckName;
  readonly result: 'PASSED' | 'FAILED' | 'INDETERMINATE';
  /** Why, in words; never an echo of what was sent. */
  readonly detail?: string;
}

interface SignerCorporation {
  readonly corporationId: string;
  readonly brNumber: string;
  readonly nameEn: string;
  readonly nameZh?: string;
}

export type Signer = SignerCorporation &
  (
    | {
        /** An organisational seal: the corporation as a whole, not a person. */
        readonly kind: 'seal';
        readonly kid: string;
      }
    | {
        /** A representative, approving in their app; the platform signed for them. */
        readonly kind: 'representative';
        readonly citizenId: string;
        readonly role: string;
        readonly appointmentId: string;
      }
  );

export interface ValidationReport {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly signer?: Signer;
  /** The best signature time: proven by the platform's signature timestamp, absent without one. */
  readonly signingTime?: string;
  /** The time the signer wrote in the protected header (`sigT`, `iat`): a claim, proven by nothing. */
  readonly claimedSigningTime?: string;
  readonly validationTime: string;
  readonly checks: readonly Check[];
}
