export * from './identity.module.js';
export * from './identity.options.js';
export * from './domain/hkid.js';
export * from './domain/citizen.events.js';
export * from './login/login-gateway.js';
export * from './simulator/citizen-app.js';
export { DeviceSignedRequests, type DeviceSigner } from './device-signature/device-signed-requests.js';
export { DeviceSignatureDto, DeviceSignedDto } from './http/device-signed.dto.js';
export { CitizenIdParam } from './http/citizen-id.param.js';
export type { LoginRequestEvent } from './domain/login-request.events.js';
export { RegisterCitizenCommand, type RegistrationInput } from './commands/register-citizen.command.js';
export { DecideLoginCommand } from './commands/decide-login.command.js';
export { LoginRequests } from './login/login-requests.js';
export {
  loginDecisionPayload,
  registrationPayload,
  signDevicePayload,
} from './device-signature/signed-payloads.js';
export { ChangeCitizenCommand } from './commands/change-citizen.command.js';
export { AdministratorDirectory, type AdministratorView } from './projections/administrators.projection.js';
