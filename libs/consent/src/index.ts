export * from './consent.module.js';
export * from './consent.options.js';
export * from './domain/consent-terms.js';
export * from './domain/consent.events.js';
export * from './domain/consent-artefact.js';
export * from './provider/provider-checks.js';
export { ConsentExpirySweep } from './commands/consent-expiry-sweep.js';
export { ConsentApp } from './simulator/consent-app.js';
export { GatewayError, GatewayParticipant } from './simulator/gateway-participant.js';
