import { DomainError } from '#libs/errors';
import type { JsonObject } from '#libs/event-store';
import { parseDevicePublicKey, type DeviceKey } from '../domain/device-key.js';
import { verifyDeviceSignature } from './verify-device-signature.js';

export const deviceKeyProofInvalid = (why: string): DomainError =>
  new DomainError('DEVICE_KEY_PROOF_INVALID', `proof of possession of the new device key: ${why}`, 400);

/**
 * A device key is enrolled only on proof that the requester holds its private half, as a certificate request
 * is signed by its own key: `proof` is a device signature (verifyDeviceSignature: ES256, fresh `iat`, exact
 * payload) by that very key over `payload`, the request that enrols it. Answers the key.
 */
export async function provenDeviceKey(
  publicKey: JsonObject,
  proof: string,
  payload: JsonObject,
  now: Date,
): Promise<DeviceKey> {
  const device = await parseDevicePublicKey(publicKey);
  await verifyDeviceSignature(proof, device.publicKey, payload, now, deviceKeyProofInvalid);
  return device;
}
