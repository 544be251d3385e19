export * from './identity.module.js';
export * from './identity.options.js';
export * from './domain/hkid.js';
export * from './domain/citizen.events.js';
export * from './login/login-gateway.js';
export * from './simulator/citizen-app.js';
export { DeviceSignedRequests, type DeviceSigner } from './device-signature/device-signed-requests.js';
export { DeviceSignatureDto, DeviceSignedDto } from './http/device-signed.dto.js';
