/*
 * JWS parsing for signature validation (RFC 7515, RFC 7797), stricter than the RFCs where they leave room: the
 * key is never taken from the token, the algorithm must be one we verify, and every critical extension must be
 * one we understand (only `b64`). Pure, total: any input gives a parsed JWS or the reason it is malformed.
 */

export const MAX_HEADER_BYTES = 4096;

/** Asymmetric algorithms we verify; `Ed25519` (the newer registration) is EdDSA over Ed25519. */
const VERIFIABLE_ALGORITHMS = new Set(['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256']);
/** Headers that would let the token name its own key or certificate. */
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const UNDERSTOOD_CRITICAL = new Set(['b64']);
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface ParsedJws {
  readonly alg: string;
  readonly kid: string | undefined;
  readonly header: Record<string, unknown>;
  /** The exact bytes signed: ASCII(protected) || '.' || payload (encoded or, with b64=false, as is). */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
  /** The payload was given beside the JWS rather than inside it. */
  readonly detached: boolean;
}

export type ParseResult =
  | { readonly ok: true; readonly jws: ParsedJws }
  | { readonly ok: false; readonly reason: string; readonly missingPayload?: true };

/** What a relying party posts: compact or JSON serialization, with a detached payload where there is one. */
export interface SignatureInput {
  readonly jws: unknown;
  /** The detached payload's bytes, base64url-encoded. */
  readonly detachedPayload?: unknown;
}

const fail = (reason: string): ParseResult => ({ ok: false, reason });

export function parseJws({ jws, detachedPayload }: SignatureInput): ParseResult {
  let parts: { protected: string; payload: string | undefined; signature: string; unprotected?: unknown };
  if (typeof jws === 'string') {
    const split = jws.split('.');
    if (split.length !== 3) return fail('a compact JWS has exactly three parts');
    parts = { protected: split[0]!, payload: split[1] === '' ? undefined : split[1], signature: split[2]! };
  } else if (isObject(jws)) {
    const flat = isObject(jws['signatures']) || Array.isArray(jws['signatures']) ? generalToFlat(jws) : jws;
    if (!flat) return fail('exactly one signature is validated per request');
    if (typeof flat['protected'] !== 'string' || typeof flat['signature'] !== 'string') {
      return fail('a JSON-serialized JWS needs protected and signature');
    }
    if (flat['payload'] !== undefined && typeof flat['payload'] !== 'string')
      return fail('payload must be a string');
    parts = {
      protected: flat['protected'],
      payload: flat['payload'] === '' ? undefined : (flat['payload'] as string | undefined),
      signature: flat['signature'],
      unprotected: flat['header'],
    };
  } else {
    return fail('jws must be a compact JWS or a JSON-serialized one');
  }

  if (!BASE64URL.test(parts.protected) || parts.protected.length > (MAX_HEADER_BYTES * 4) / 3 + 4) {
    return fail('the protected header is not base64url of at most 4 KiB');
  }
  if (!BASE64URL.test(parts.signature) || parts.signature.length === 0)
    return fail('the signature is not base64url');
  const header = decodeJsonObject(parts.protected);
  if (!header) return fail('the protected header is not a JSON object');
  if (parts.unprotected !== undefined) {
    if (!isObject(parts.unprotected)) return fail('the unprotected header is not a JSON object');
    // Everything that matters must be integrity-protected; an unprotected header could only mislead.
    if (Object.keys(parts.unprotected).length > 0)
      return fail('unprotected header parameters are not accepted');
  }

  const alg = header['alg'];
  if (typeof alg !== 'string') return fail('alg is missing');
  if (!VERIFIABLE_ALGORITHMS.has(alg))
    return fail('alg is not an asymmetric algorithm this service verifies');
  const keyHeader = KEY_HEADERS.find((name) => name in header);
  if (keyHeader) return fail(`a ${keyHeader} header is never trusted: keys come from the registry only`);
  const kid = header['kid'];
  if (kid !== undefined && typeof kid !== 'string') return fail('kid must be a string');

  const b64 = header['b64'];
  if (b64 !== undefined && typeof b64 !== 'boolean') return fail('b64 must be a boolean');
  const crit = header['crit'];
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0 || !crit.every((c) => typeof c === 'string')) {
      return fail('crit must be a non-empty list of header names');
    }
    const unknown = crit.find((name) => !UNDERSTOOD_CRITICAL.has(name as string));
    if (unknown !== undefined) return fail('a critical header extension is not understood');
    if (crit.some((name) => !((name as string) in header))) return fail('crit names a header that is absent');
  }
  // RFC 7797 §6: b64=false changes how the payload is read, so a verifier that ignored it must be stopped.
  if (b64 === false && !(Array.isArray(crit) && crit.includes('b64')))
    return fail('b64=false must be critical');
  const encoded = b64 !== false;

  let payload: Buffer;
  let detached = false;
  if (parts.payload !== undefined) {
    if (detachedPayload !== undefined) return fail('a payload was given both inside and beside the JWS');
    if (encoded && !BASE64URL.test(parts.payload)) return fail('the payload is not base64url');
    payload = encoded ? Buffer.from(parts.payload, 'ascii') : Buffer.from(parts.payload, 'utf8');
  } else {
    if (detachedPayload === undefined)
      return { ok: false, reason: 'the detached payload is missing', missingPayload: true };
    if (typeof detachedPayload !== 'string' || !BASE64URL.test(detachedPayload)) {
      return fail('detachedPayload must be the payload bytes, base64url-encoded');
    }
    const bytes = Buffer.from(detachedPayload, 'base64url');
    payload = encoded ? Buffer.from(bytes.toString('base64url'), 'ascii') : bytes;
    detached = true;
  }

  return {
    ok: true,
    jws: {
      alg,
      kid,
      header,
      signingInput: Buffer.concat([Buffer.from(`${parts.protected}.`, 'ascii'), payload]),
      signature: Buffer.from(parts.signature, 'base64url'),
      detached,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function generalToFlat(jws: Record<string, unknown>): Record<string, unknown> | undefined {
  const signatures = jws['signatures'];
  if (!Array.isArray(signatures) || signatures.length !== 1 || !isObject(signatures[0])) return undefined;
  return { ...signatures[0], ...(jws['payload'] !== undefined && { payload: jws['payload'] }) };
}

function decodeJsonObject(encoded: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64url')),
    );
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
