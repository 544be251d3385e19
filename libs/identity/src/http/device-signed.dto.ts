import { Matches, MaxLength } from 'class-validator';
import { DEVICE_ID_PATTERN } from '../domain/device-key.js';

/** A compact JWS by the citizen's device over the request (see signed-payloads.ts). */
export class DeviceSignatureDto {
  @MaxLength(4096)
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { message: 'signature must be a compact JWS' })
  signature!: string;
}

/** The citizen's credential on an app request: which of their devices signed it, and the signature. */
export class DeviceSignedDto extends DeviceSignatureDto {
  @Matches(DEVICE_ID_PATTERN, {
    message: 'deviceId must be the device key thumbprint (43 base64url characters)',
  })
  deviceId!: string;
}
