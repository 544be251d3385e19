export const IDENTITY_OPTIONS = Symbol('IdentityOptions');

export interface IdentityOptions {
  /** Keys the HKID claim index (see hkid-digest.ts); derived from configuration, never stored. */
  readonly hkidIndexKey: Buffer;
}
