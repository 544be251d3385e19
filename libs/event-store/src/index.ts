export * from './event-store.port.js';
export * from './errors.js';
export * from './append-validation.js';
export * from './polling-subscription.js';
export * from './sqlite/sqlite-event-store.js';
export * from './postgres/postgres-event-store.js';
export * from './idempotent-reappend.js';
