import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { DomainError } from '#libs/errors';
import type { DeviceEnrolled } from './citizen.events.js';

/** A device id is the base64url SHA-256 thumbprint of its key. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface DeviceKey {
  readonly deviceId: string;
  readonly publicKey: DeviceEnrolled['data']['publicKey'];
}

const invalid = (why: string) => new DomainError('DEVICE_KEY_INVALID', `device public key: ${why}`, 400);

/**
 * The app's key pair is P-256 (ES256), made and kept on the phone. Only the public half is accepted, reduced to
 * its required members; its RFC 7638 thumbprint names the device.
 */
export async function parseDevicePublicKey(input: Record<string, unknown>): Promise<DeviceKey> {
  if ('d' in input) throw invalid('a private key was sent; send only the public key');
  if (input['kty'] !== 'EC' || input['crv'] !== 'P-256') throw invalid('must be an EC key on P-256 (ES256)');
  const { x, y } = input;
  if (typeof x !== 'string' || typeof y !== 'string') throw invalid('x and y must be base64url strings');
  const publicKey = { kty: 'EC', crv: 'P-256', x, y };
  try {
    await importJWK(publicKey as JWK, 'ES256');
  } catch {
    throw invalid('not a valid point on P-256');
  }
  return { deviceId: await calculateJwkThumbprint(publicKey as JWK, 'sha256'), publicKey };
}
