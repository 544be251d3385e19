export * from './corporate.module.js';
export * from './domain/corporation.events.js';
export * from './verification/validation-report.js';
export * from './domain/validation-tally.events.js';
export { ValidationTally } from './verification/validation-tally.js';
export { ChangeCorporationCommand } from './commands/change-corporation.command.js';
export type { CorporationCommand } from './domain/corporation.decide.js';
