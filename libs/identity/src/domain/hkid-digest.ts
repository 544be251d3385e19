import { createHmac } from 'node:crypto';
import type { Hkid } from './hkid.js';

/**
 * A keyed hash: HKID numbers are few enough to enumerate, so a plain hash would reveal them. Without the key
 * (from configuration) the claim streams' names say nothing.
 */
export function hkidDigest(hkid: Hkid, key: Buffer): string {
  return createHmac('sha256', key).update(hkid).digest('base64url');
}
