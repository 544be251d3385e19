import { Injectable } from '@nestjs/common';
import { AggregateStore } from '#libs/eventsourcing';
import type { JsonObject } from '#libs/event-store';
import { citizenStream } from '../domain/citizen.events.js';
import { assertDeviceMayAct, assertNotSuspended } from '../domain/citizen.decide.js';
import { citizen, type RegisteredCitizen } from '../domain/citizen.state.js';
import { deviceSignatureInvalid, verifyDeviceSignature } from './verify-device-signature.js';

/** Who says they sign a request: the citizen and one of their devices, and the device's signature. */
export interface DeviceSigner {
  readonly citizenId: string;
  readonly deviceId: string;
  readonly signature: string;
}

/**
 * The citizen's credential in every app request: a signature by an enrolled device's key. Proves who asks, and
 * answers the citizen as they are now; whether that device and citizen may still act is for the decision to
 * judge, so that a refusal for a revoked device is only ever given to the holder of its key.
 */
@Injectable()
export class DeviceSignedRequests {
  constructor(private readonly aggregates: AggregateStore) {}

  async verify(signer: DeviceSigner, payload: JsonObject, now: Date): Promise<RegisteredCitizen> {
    const { state } = await this.aggregates.load(citizenStream(signer.citizenId), citizen);
    const noSuchDevice = () => deviceSignatureInvalid('no such device is enrolled for this citizen');
    if (state.status === 'unregistered') throw noSuchDevice();
    const device = state.devices.find((d) => d.deviceId === signer.deviceId);
    if (!device) throw noSuchDevice();
    await verifyDeviceSignature(signer.signature, device.publicKey, payload, now);
    return state;
  }

  /**
   * For other contexts (data-exchange consents): the signature verified, and the device and citizen still allowed
   * to act. Refuses as the citizen's own requests are refused (DEVICE_REVOKED, CITIZEN_SUSPENDED...).
   */
  async verifyActing(signer: DeviceSigner, payload: JsonObject, now: Date): Promise<void> {
    const state = await this.verify(signer, payload, now);
    assertDeviceMayAct(state, signer.deviceId);
    assertNotSuspended(state);
  }
}
