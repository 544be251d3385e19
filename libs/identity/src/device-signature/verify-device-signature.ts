import { isDeepStrictEqual } from 'node:util';
import { compactVerify, decodeProtectedHeader, importJWK, type ProtectedHeaderParameters } from 'jose';
import { DomainError } from '#libs/errors';
import type { JsonObject } from '#libs/event-store';
import type { DevicePublicKey } from '../domain/citizen.events.js';

/** How far the device's clock may be from ours. */
const DEVICE_SIGNATURE_MAX_SKEW_MS = 5 * 60_000;

/** Headers that would let the token name its own key: the key is always the one enrolled for the device. */
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

export const deviceSignatureInvalid = (why: string): DomainError =>
  new DomainError('DEVICE_SIGNATURE_INVALID', `device signature: ${why}`, 401);

/**
 * Checks that `jws` is a compact ES256 JWS by `publicKey` over exactly `expected` plus an `iat` close to `now`
 * (and a `jti`, which makes each signing unique, so that signing the same request again is not a replay),
 * and answers until when that signature is acceptable. Every failure is the same error, the 401
 * DEVICE_SIGNATURE_INVALID unless `refusal` makes another (a new key's proof of possession authenticates no
 * one); its message says which check failed, never what was sent.
 */
export async function verifyDeviceSignature(
  jws: string,
  publicKey: DevicePublicKey,
  expected: JsonObject,
  now: Date,
  refusal: (why: string) => DomainError = deviceSignatureInvalid,
): Promise<{ acceptableUntil: Date }> {
  const header = protectedHeaderOf(jws, refusal);
  if (header.alg !== 'ES256') throw refusal('only ES256 is accepted');
  const keyHeader = KEY_HEADERS.find((name) => name in header);
  if (keyHeader) throw refusal(`a ${keyHeader} header is not accepted`);
  // We understand no extension, so any critical one must be refused (RFC 7515 §4.1.11); b64=false needs one.
  if ('crit' in header) throw refusal('no critical header extension is supported');

  let payload: Uint8Array;
  try {
    const key = await importJWK({ ...publicKey }, 'ES256');
    ({ payload } = await compactVerify(jws, key, { algorithms: ['ES256'] }));
  } catch {
    throw refusal('the signature does not verify with the device key');
  }

  const { iat, jti, ...signed } = parseObject(payload, refusal);
  if (jti !== undefined && !(typeof jti === 'string' && jti.length <= 64)) {
    throw refusal('jti must be a string of at most 64 characters');
  }
  if (typeof iat !== 'number' || !(Math.abs(iat * 1000 - now.getTime()) <= DEVICE_SIGNATURE_MAX_SKEW_MS)) {
    throw refusal('iat must be the signing time, within 5 minutes of the server clock');
  }
  if (!isDeepStrictEqual(signed, JSON.parse(JSON.stringify(expected)))) {
    throw refusal('the signed payload does not match this request');
  }
  return { acceptableUntil: new Date(iat * 1000 + DEVICE_SIGNATURE_MAX_SKEW_MS) };
}

function protectedHeaderOf(jws: string, refusal: (why: string) => DomainError): ProtectedHeaderParameters {
  try {
    if (typeof jws !== 'string' || jws.split('.').length !== 3) throw new Error('not compact');
    return decodeProtectedHeader(jws);
  } catch {
    throw refusal('not a compact JWS');
  }
}

function parseObject(payload: Uint8Array, refusal: (why: string) => DomainError): Record<string, unknown> {
  const notAnObject = () => refusal('the payload is not a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw notAnObject();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw notAnObject();
  return value as Record<string, unknown>;
}
