/** What `PiiVault.open` gives for each field of a subject whose data key was erased. */
export interface Erased {
  readonly erased: true;
}

/**
 * One frozen instance, recognised by identity: a decrypted field that happens to be `{ erased: true }`, or a
 * marker that went through JSON and back, can never be mistaken for an erasure.
 */
export const ERASED: Erased = Object.freeze({ erased: true });

export function isErased(value: unknown): value is Erased {
  return value === ERASED;
}
