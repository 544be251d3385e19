export * from './eservices/index.js';
export * from './provider/oidc.module.js';
export * from './provider/oidc-options.js';
export * from './provider/tokens.js';
export * from './provider/claims-policy.js';
export { escapeHtml } from './provider/login-page.js';
export { SigningKeys } from './provider/signing-keys.js';
export { type ProtocolEvent, protocolStream, recordProtocolEvent } from './provider/protocol-events.js';
