import { IsIn, IsObject } from 'class-validator';
import type { JsonObject } from '#libs/event-store';
import { IsDeviceSignature } from './device-signed.dto.js';
import {
  REINSTATEMENT_REASONS,
  SUSPENSION_REASONS,
  type ReinstatementReason,
  type SuspensionReason,
} from '../domain/citizen.events.js';

export class SuspendCitizenDto {
  @IsIn(SUSPENSION_REASONS)
  reason!: SuspensionReason;
}

export class ReinstateCitizenDto {
  @IsIn(REINSTATEMENT_REASONS)
  reason!: ReinstatementReason;
}

/** After an in-person identity check, for a citizen whose phone is gone: no device can sign for them. */
export class AdminEnrolDeviceDto {
  @IsObject()
  devicePublicKey!: JsonObject;

  /** The new phone's signature over `{action: 'enrol-device', citizenId, devicePublicKey}`: it holds the key. */
  @IsDeviceSignature()
  newDeviceSignature!: string;
}
