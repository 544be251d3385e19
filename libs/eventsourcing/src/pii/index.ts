export { ERASED, isErased, type Erased } from './erased.js';
export * from './pii-errors.js';
export { PiiVault, type EraseResult, type PiiVaultOptions, type SubjectStatus } from './pii-vault.js';
export type { OpenedFields, Sealed, SealedFields } from './sealed-field.js';
