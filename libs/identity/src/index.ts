export * from './identity.module.js';
export * from './identity.options.js';
export * from './domain/hkid.js';
export * from './domain/citizen.events.js';
export * from './login/login-gateway.js';
export * from './simulator/citizen-app.js';
export type { LoginRequestEvent } from './domain/login-request.events.js';
