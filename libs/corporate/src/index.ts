export * from './corporate.module.js';
export * from './domain/corporation.events.js';
export * from './verification/validation-report.js';
