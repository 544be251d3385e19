import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { PiiMasterKeyInvalid, PiiMasterKeyMismatch, PiiSubjectKeyCorrupt } from './pii-errors.js';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/**
 * Wraps subject data keys for storage. A wrapped key is `v1:<master key id>:<base64url(iv ‖ key ‖ tag)>`: the id,
 * a public fingerprint of the master key, turns a misconfigured master key into a clear error instead of a
 * failed tag, and is what a later rotation would select the old master key by.
 */
export class MasterKey {
  readonly id: string;
  private readonly key: KeyObject;

  constructor(material: Buffer) {
    if (material.length !== 32) throw new PiiMasterKeyInvalid(material.length);
    this.key = createSecretKey(material);
    // An HMAC under the key itself: one-way, so publishing it in rows and errors says nothing about the key.
    this.id = createHmac('sha256', material)
      .update('pii-master-key-id')
      .digest()
      .subarray(0, 8)
      .toString('base64url');
  }

  /** A fresh random 32-byte data key, wrapped for the key table; it is only used once read back from there. */
  wrapNewDataKey(subjectId: string): string {
    const raw = randomBytes(DATA_KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(subjectId));
    const body = Buffer.concat([iv, cipher.update(raw), cipher.final(), cipher.getAuthTag()]);
    raw.fill(0);
    return `${FORMAT}:${this.id}:${body.toString('base64url')}`;
  }

  unwrap(subjectId: string, wrapped: string): KeyObject {
    const [format, wrappedWith, encoded, ...rest] = wrapped.split(':');
    if (format !== FORMAT || wrappedWith === undefined || encoded === undefined || rest.length > 0) {
      throw new PiiSubjectKeyCorrupt();
    }
    if (wrappedWith !== this.id) throw new PiiMasterKeyMismatch(wrappedWith, this.id);
    const body = Buffer.from(encoded, 'base64url');
    if (body.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES) throw new PiiSubjectKeyCorrupt();
    const decipher = createDecipheriv('aes-256-gcm', this.key, body.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    // The subject id is authenticated, so a key row copied onto another subject does not unwrap there.
    decipher.setAAD(additionalData(subjectId));
    decipher.setAuthTag(body.subarray(IV_BYTES + DATA_KEY_BYTES));
    let raw: Buffer;
    try {
      raw = Buffer.concat([
        decipher.update(body.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PiiSubjectKeyCorrupt();
    }
    const key = createSecretKey(raw);
    raw.fill(0);
    return key;
  }
}

function additionalData(subjectId: string): Buffer {
  return Buffer.from(JSON.stringify(['pii-subject-key', FORMAT, subjectId]), 'utf8');
}
