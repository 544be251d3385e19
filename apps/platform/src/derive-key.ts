import { hkdfSync } from 'node:crypto';

/** One configured secret, many purposes: each gets its own key, so no key serves two uses. */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `city-identity:${purpose}`, 32));
}
