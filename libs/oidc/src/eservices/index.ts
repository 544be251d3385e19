export * from './eservices.module.js';
export * from './eservice-directory.js';
export * from './domain/eservice.events.js';
export { ChangeEServiceGrantTypesCommand } from './commands/change-eservice-grant-types.command.js';
export { ChangeEServiceTokenSigningCommand } from './commands/change-eservice-token-signing.command.js';
export { ChangeEServiceProfileCommand } from './commands/change-eservice-profile.command.js';
export { RegisterEServiceCommand, type RegisteredEService } from './commands/register-eservice.command.js';
export type { RegistrationInput } from './domain/eservice-input.js';
export {
  ProjectedEServiceDirectory,
  type EServiceFilter,
  type EServiceView,
} from './projections/projected-eservice-directory.js';
export { parseClientJwks } from './domain/client-jwks.js';
export { DEPARTMENT_CODE } from './domain/eservice-input.js';
