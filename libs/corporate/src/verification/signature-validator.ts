import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, type CommandContext } from '#libs/eventsourcing';
import { CorporateRegistry, type RegisteredKey } from './corporate-registry.js';
import type { RegisteredCorporation } from '../domain/corporation.state.js';
import {
  REPRESENTATIVE_TYP,
  RepresentativeSignatures,
  type RepresentativeClaims,
} from '../signing/representative-signatures.js';
import { judgeAtSigningTime, judgeRepresentativeAtSigningTime } from './judge-at-signing-time.js';
import { parseJws, type ParsedJws, type SignatureInput } from './parse-jws.js';
import { canonicalAlgorithm, signatureValueVerifies } from './signature-value.js';
import { signatureDigest, SignatureTimestamps } from './signature-timestamps.js';
import type { Check, Indication, Signer, SubIndication, ValidationReport } from './validation-report.js';
import { ValidationTally } from './validation-tally.js';

export interface ValidationRequest extends SignatureInput {
  /** The platform's signature timestamp for this signature, if the signer obtained one. */
  readonly timestamp?: unknown;
  /** For a representative signature: the signed document's bytes, base64url-encoded. */
  readonly document?: unknown;
}

/** What the signature alone proves, before its time is judged: the key and the signed bytes. */
export type SignatureProof =
  | {
      readonly ok: true;
      readonly jws: ParsedJws;
      readonly registered: RegisteredKey;
      readonly checks: Check[];
    }
  | { readonly ok: false; readonly report: ValidationReport };

/**
 * Validation of a corporate signature: format, key lookup (the `kid` is a hint among registered keys, never a
 * key), algorithm allow-list, the signature value, the proof of its time, then the corporation and key as they
 * stood at that time. Every input gives a report; none throws.
 */
@Injectable()
export class SignatureValidator {
  constructor(
    private readonly registry: CorporateRegistry,
    private readonly timestamps: SignatureTimestamps,
    private readonly representatives: RepresentativeSignatures,
    private readonly tally: ValidationTally,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Every report is counted by result (an in-memory increment): the adoption metrics' validations by result. */
  async validate(request: ValidationRequest): Promise<ValidationReport> {
    const report = await this.judge(request);
    this.tally.count(report);
    return report;
  }

  private async judge(request: ValidationRequest): Promise<ValidationReport> {
    const validationTime = this.clock.now().toISOString();
    const parsed = parseJws(request);
    if (parsed.ok && parsed.jws.header['typ'] === REPRESENTATIVE_TYP) {
      return this.validateRepresentative(request, validationTime);
    }
    const proof = this.prove(request, validationTime, parsed);
    if (!proof.ok) return proof.report;
    const { jws, registered, checks } = proof;
    const claimedSigningTime = claimedTimeOf(jws.header);
    const base = {
      signer: signerOf(registered),
      validationTime,
      ...(claimedSigningTime && { claimedSigningTime }),
    };

    let provenTime: string | undefined;
    if (request.timestamp !== undefined) {
      const proven = await this.timestamps.provenTime(request.timestamp, jws.signature, registered.key.kid);
      if ('refused' in proven) {
        return report(
          'INDETERMINATE',
          'NO_POE',
          [...checks, { name: 'signature-timestamp', result: 'FAILED', detail: proven.refused }],
          base,
        );
      }
      provenTime = proven.time;
      checks.push({ name: 'signature-timestamp', result: 'PASSED' });
    }

    const judgement = judgeAtSigningTime(
      registered.corporation,
      registered.key,
      provenTime ?? validationTime,
      provenTime !== undefined,
    );
    return report(judgement.indication, judgement.subIndication, [...checks, ...judgement.checks], {
      ...base,
      ...(provenTime && { signingTime: provenTime }),
    });
  }

  /**
   * Counter-signs the time of a signature that is valid now. The report says why when it is not, and no
   * timestamp is given for it.
   */
  async timestamp(
    request: SignatureInput,
    context: CommandContext,
  ): Promise<{ report: ValidationReport; timestamp?: { timestamp: string; genTime: string } }> {
    const genTime = this.clock.now().toISOString();
    const proof = this.prove(request, genTime);
    if (!proof.ok) return { report: proof.report };
    const { jws, registered, checks } = proof;
    // Seen now, the signature exists now: its time is proven, and only a key valid now may be timestamped.
    const judgement = judgeAtSigningTime(registered.corporation, registered.key, genTime, true);
    const judged = report(judgement.indication, judgement.subIndication, [...checks, ...judgement.checks], {
      signer: signerOf(registered),
      validationTime: genTime,
      signingTime: genTime,
    });
    if (judgement.indication !== 'TOTAL_PASSED') return { report: judged };
    const token = await this.timestamps.issue(
      { sigDigest: signatureDigest(jws.signature), kid: registered.key.kid, genTime },
      registered.corporation.corporationId,
      context,
    );
    return { report: judged, timestamp: { timestamp: token, genTime } };
  }

  /**
   * A representative signature is the platform's (see RepresentativeSignatures), over the document's digest:
   * its time is the one the platform recorded, so it is judged at that time against the appointment as it
   * then stood.
   */
  private async validateRepresentative(
    request: ValidationRequest,
    validationTime: string,
  ): Promise<ValidationReport> {
    const checks: Check[] = [];
    const fail = (indication: Indication, sub: SubIndication, check: Check, rest = {}) =>
      report(indication, sub, [...checks, check], { validationTime, ...rest });
    if (typeof request.jws !== 'string' || request.detachedPayload !== undefined) {
      return fail('TOTAL_FAILED', 'FORMAT_FAILURE', {
        name: 'format',
        result: 'FAILED',
        detail: 'a representative signature is a compact JWS with its payload',
      });
    }
    checks.push({ name: 'format', result: 'PASSED' });
    let claims: RepresentativeClaims;
    try {
      claims = await this.representatives.claimsOf(request.jws);
    } catch {
      return fail('TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', {
        name: 'signature-value',
        result: 'FAILED',
        detail: 'not a representative signature by the platform',
      });
    }
    checks.push({ name: 'signature-value', result: 'PASSED' });
    const corporation = this.registry.corporationOf(claims.corporationId);
    const appointment = corporation?.appointments.get(claims.appointmentId);
    if (!corporation || !appointment || appointment.citizenId !== claims.citizenId) {
      return fail('INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', {
        name: 'signing-key-identified',
        result: 'INDETERMINATE',
        detail: 'no such appointment is known',
      });
    }
    checks.push({ name: 'signing-key-identified', result: 'PASSED' });
    const rest = {
      signer: {
        ...corporationOf(corporation),
        kind: 'representative' as const,
        citizenId: claims.citizenId,
        role: claims.role,
        appointmentId: claims.appointmentId,
      },
      signingTime: claims.signedAt,
    };
    const { document } = request;
    if (document === undefined) {
      return fail(
        'INDETERMINATE',
        'SIGNED_DATA_NOT_FOUND',
        {
          name: 'document-digest',
          result: 'INDETERMINATE',
          detail: 'the signed document was not given',
        },
        rest,
      );
    }
    if (
      typeof document !== 'string' ||
      !/^[A-Za-z0-9_-]*$/.test(document) ||
      createHash('sha256').update(Buffer.from(document, 'base64url')).digest('base64url') !==
        claims.documentDigest
    ) {
      return fail(
        'TOTAL_FAILED',
        'HASH_FAILURE',
        {
          name: 'document-digest',
          result: 'FAILED',
          detail: 'the document given is not the one signed',
        },
        rest,
      );
    }
    checks.push({ name: 'document-digest', result: 'PASSED' });
    const judgement = judgeRepresentativeAtSigningTime(corporation, appointment, claims.signedAt);
    return report(judgement.indication, judgement.subIndication, [...checks, ...judgement.checks], {
      validationTime,
      ...rest,
    });
  }

  /** Format, key and signature value, as of now: shared by validation and timestamping. */
  prove(request: SignatureInput, validationTime: string, parsed = parseJws(request)): SignatureProof {
    const fail = (indication: Indication, sub: SubIndication, checks: Check[]): SignatureProof => ({
      ok: false,
      report: report(indication, sub, checks, { validationTime }),
    });
    if (!parsed.ok) {
      const check: Check = { name: 'format', result: 'FAILED', detail: parsed.reason };
      return parsed.missingPayload
        ? fail('INDETERMINATE', 'SIGNED_DATA_NOT_FOUND', [check])
        : fail('TOTAL_FAILED', 'FORMAT_FAILURE', [check]);
    }
    const { jws } = parsed;
    const checks: Check[] = [{ name: 'format', result: 'PASSED' }];

    const registered = jws.kid === undefined ? undefined : this.registry.keyOf(jws.kid);
    if (!registered) {
      return fail('INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', [
        ...checks,
        {
          name: 'signing-key-identified',
          result: 'INDETERMINATE',
          detail: jws.kid === undefined ? 'the header names no kid' : 'no registered key has this kid',
        },
      ]);
    }
    checks.push({ name: 'signing-key-identified', result: 'PASSED' });

    if (!(registered.key.algorithms as readonly string[]).includes(canonicalAlgorithm(jws.alg))) {
      return fail('INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', [
        ...checks,
        {
          name: 'algorithm-allowed',
          result: 'FAILED',
          detail: `the key is registered for ${registered.key.algorithms.join(', ')} only`,
        },
      ]);
    }
    checks.push({ name: 'algorithm-allowed', result: 'PASSED' });

    if (!signatureValueVerifies(jws.alg, registered.keyObject, jws.signingInput, jws.signature)) {
      return fail('TOTAL_FAILED', jws.detached ? 'HASH_FAILURE' : 'SIG_CRYPTO_FAILURE', [
        ...checks,
        {
          name: 'signature-value',
          result: 'FAILED',
          detail: jws.detached
            ? 'the signature does not cover the data given'
            : 'the signature does not verify with the registered key',
        },
      ]);
    }
    checks.push({ name: 'signature-value', result: 'PASSED' });
    return { ok: true, jws, registered, checks };
  }
}

function report(
  indication: Indication,
  subIndication: SubIndication | undefined,
  checks: readonly Check[],
  rest: Omit<ValidationReport, 'indication' | 'subIndication' | 'checks'>,
): ValidationReport {
  return { indication, ...(subIndication && { subIndication }), ...rest, checks };
}

function signerOf({ corporation, key }: RegisteredKey): Signer {
  return { ...corporationOf(corporation), kind: key.usage, kid: key.kid };
}

function corporationOf(corporation: RegisteredCorporation) {
  return {
    corporationId: corporation.corporationId,
    brNumber: corporation.brNumber,
    nameEn: corporation.nameEn,
    ...(corporation.nameZh !== undefined && { nameZh: corporation.nameZh }),
  };
}

/** `sigT` (JAdES) or `iat`, as the signer claims it; a claim only, never used to judge. */
function claimedTimeOf(header: Record<string, unknown>): string | undefined {
  const sigT = header['sigT'];
  const iat = header['iat'];
  const at = typeof sigT === 'string' ? Date.parse(sigT) : typeof iat === 'number' ? iat * 1000 : Number.NaN;
  return Number.isFinite(at) && Math.abs(at) < 8.64e15 ? new Date(at).toISOString() : undefined;
}
