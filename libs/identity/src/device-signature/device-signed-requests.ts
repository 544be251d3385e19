import { Injectable } from '@nestjs/common';
import { AggregateStore } from '#libs/eventsourcing';
import type { JsonObject } from '#libs/event-store';
import { citizenStream } from '../domain/citizen.events.js';
import { assertDeviceMayAct, assertNotSuspended } from '../domain/citizen.decide.js';
import { citizen, type RegisteredCitizen } from '../domain/citizen.state.js';
import { DeviceSignatureUses } from './device-signature-uses.js';
import { deviceSignatureInvalid, verifyDeviceSignature } from './verify-device-signature.js';

/** Who says they sign a request: the citizen and one of their devices, and the device's signature. */
export interface DeviceSigner {
  readonly citizenId: string;
  readonly deviceId: string;
  readonly signature: string;
}

/**
 * The citizen's credential in every app request: a signature by an enrolled device's key, good for one request.
 * Proves who asks, and answers the citizen as they are now; whether that device and citizen may still act is
 * for the decision to judge, so that a refusal for a revoked device is only ever given to the holder of its key.
 */
@Injectable()
export class DeviceSignedRequests {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly uses: DeviceSignatureUses,
  ) {}

  /** For requests whose target can be acted on once only (a login request's challenge, say). */
  async verify(signer: DeviceSigner, payload: JsonObject, now: Date): Promise<RegisteredCitizen> {
    return (await this.verified(signer, payload, now)).citizen;
  }

  /**
   * For requests that could be applied again (a profile change): the signed request is taken once, or retried
   * under the Idempotency-Key `idempotencyKey` it first came with.
   */
  async verifyOnce(
    signer: DeviceSigner,
    payload: JsonObject,
    now: Date,
    idempotencyKey: string | undefined,
  ): Promise<RegisteredCitizen> {
    const { citizen, acceptableUntil } = await this.verified(signer, payload, now);
    await this.uses.claim(
      `${signer.citizenId}/${signer.deviceId}`,
      signer.signature,
      acceptableUntil,
      idempotencyKey,
    );
    return citizen;
  }

  private async verified(signer: DeviceSigner, payload: JsonObject, now: Date) {
    const { state } = await this.aggregates.load(citizenStream(signer.citizenId), citizen);
    const noSuchDevice = () => deviceSignatureInvalid('no such device is enrolled for this citizen');
    if (state.status === 'unregistered') throw noSuchDevice();
    const device = state.devices.find((d) => d.deviceId === signer.deviceId);
    if (!device) throw noSuchDevice();
    const { acceptableUntil } = await verifyDeviceSignature(signer.signature, device.publicKey, payload, now);
    return { citizen: state, acceptableUntil };
  }

  /**
   * For other contexts' app requests that can be acted on once only, or only read (a consent decision, an access
   * log): the citizen who signed `payload` with a device that may still act, and who is not suspended. Refuses
   * as the citizen's own requests are refused (DEVICE_REVOKED, CITIZEN_SUSPENDED...).
   */
  async verifyActing(signer: DeviceSigner, payload: JsonObject, now: Date): Promise<string> {
    return actingCitizen(await this.verify(signer, payload, now), signer);
  }

  /**
   * For other contexts' app requests that could be applied again (a representative signing for a corporation,
   * a consent paused): as `verifyActing`, and each signed request taken once, as `verifyOnce` does.
   */
  async citizenActing(
    signer: DeviceSigner,
    payload: JsonObject,
    now: Date,
    idempotencyKey: string | undefined,
  ): Promise<string> {
    return actingCitizen(await this.verifyOnce(signer, payload, now, idempotencyKey), signer);
  }
}

function actingCitizen(state: RegisteredCitizen, signer: DeviceSigner): string {
  assertDeviceMayAct(state, signer.deviceId);
  assertNotSuspended(state);
  return state.citizenId;
}
