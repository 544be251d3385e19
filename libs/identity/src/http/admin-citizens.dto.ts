import { IsIn, IsObject } from 'class-validator';
import type { JsonObject } from '#libs/event-store';
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
}
