export const IDENTITY_OPTIONS = Symbol('IdentityOptions');

export interface IdentityOptions {
  /** Keys the HKID claim index (see hkid-digest.ts); derived from configuration, never stored. */
  readonly hkidIndexKey: Buffer;
  /** How long the citizen has to approve a login in the app; default two minutes. */
  readonly loginRequestLifetimeMs?: number;
}

export const DEFAULT_LOGIN_REQUEST_LIFETIME_MS = 2 * 60_000;
