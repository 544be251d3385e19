import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import type { JsonValue } from '#libs/event-store';
import type { Erased } from './erased.js';
import { PiiCiphertextInvalid, PiiFieldNotJson } from './pii-errors.js';

declare const plaintextType: unique symbol;

/**
 * One encrypted field: `pii:v1:<base64url(iv ‖ ciphertext ‖ tag)>`, a plain string in event data. The phantom
 * type remembers what it decrypts to, so `open` gives back typed fields without a cast.
 */
export type Sealed<T extends JsonValue = JsonValue> = string & { readonly [plaintextType]?: T };

export type SealedFields<T extends Record<string, JsonValue>> = { readonly [K in keyof T]: Sealed<T[K]> };

export type OpenedFields<T extends Record<string, JsonValue>> = { [K in keyof T]: T[K] | Erased };

const PREFIX = 'pii:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The subject and the field name are authenticated, not encrypted: a ciphertext copied into another subject's
 * event, or into another field, fails its tag instead of decrypting there. The version is bound too, so a
 * future format cannot be downgraded into this one.
 */
function additionalData(subjectId: string, field: string): Buffer {
  return Buffer.from(JSON.stringify([PREFIX, subjectId, field]), 'utf8');
}

export function sealField(key: KeyObject, subjectId: string, field: string, value: JsonValue): Sealed {
  const json: string | undefined = JSON.stringify(value);
  if (json === undefined) throw new PiiFieldNotJson(field);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(subjectId, field));
  const body = Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return PREFIX + body.toString('base64url');
}

export function openField(key: KeyObject, subjectId: string, field: string, sealed: unknown): JsonValue {
  const body = decodeBody(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(additionalData(subjectId, field));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  let json: string;
  try {
    json = Buffer.concat([
      decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new PiiCiphertextInvalid(
      'authentication failed (tampered, or sealed for another subject or field)',
    );
  }
  return JSON.parse(json) as JsonValue;
}

function decodeBody(sealed: unknown): Buffer {
  if (typeof sealed !== 'string') throw new PiiCiphertextInvalid('not a sealed string');
  if (!sealed.startsWith(PREFIX)) {
    throw new PiiCiphertextInvalid(
      sealed.startsWith('pii:') ? 'unsupported format version' : 'not a sealed string',
    );
  }
  const encoded = sealed.slice(PREFIX.length);
  // Node's base64url decoder skips stray characters and ignores trailing bits: only canonical text is taken.
  const body = BASE64URL.test(encoded) ? Buffer.from(encoded, 'base64url') : undefined;
  if (!body || body.toString('base64url') !== encoded) throw new PiiCiphertextInvalid('malformed encoding');
  if (body.length < IV_BYTES + TAG_BYTES) throw new PiiCiphertextInvalid('truncated');
  return body;
}
