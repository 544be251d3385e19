import { Matches, MaxLength } from 'class-validator';
import { DEVICE_ID_PATTERN } from '../domain/device-key.js';

/** A compact JWS by a device key over the request (see signed-payloads.ts). */
export function IsDeviceSignature(): PropertyDecorator {
  return (target, property) => {
    MaxLength(4096)(target, property);
    Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, {
      message: '$property must be a compact JWS',
    })(target, property);
  };
}

/** A compact JWS by the citizen's device over the request. */
export class DeviceSignatureDto {
  @IsDeviceSignature()
  signature!: string;
}

/** The citizen's credential on an app request: which of their devices signed it, and the signature. */
export class DeviceSignedDto extends DeviceSignatureDto {
  @Matches(DEVICE_ID_PATTERN, {
    message: 'deviceId must be the device key thumbprint (43 base64url characters)',
  })
  deviceId!: string;
}
