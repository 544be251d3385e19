import { DomainError } from '#libs/errors';

// Messages never name the subject: a subject id may itself be personal data (a citizen id, an HKID number).

/** An erased subject stays erased: nothing new is encrypted for it, so nothing new about it can be read. */
export class PiiSubjectErased extends DomainError {
  constructor() {
    super('PII_SUBJECT_ERASED', 'the personal data of this subject has been erased', 410);
  }
}

/** Tampering, a ciphertext moved to another subject or field, or a damaged event: never a raw crypto error. */
export class PiiCiphertextInvalid extends DomainError {
  constructor(reason: string) {
    super('PII_CIPHERTEXT_INVALID', `a personal-data field cannot be decrypted: ${reason}`, 500);
  }
}

/**
 * A ciphertext exists for a subject that has no key row, erased or not: the key table was lost, or this vault
 * points at the wrong database. Answered loudly, as it is data loss, not an erasure.
 */
export class PiiSubjectKeyMissing extends DomainError {
  constructor() {
    super('PII_SUBJECT_KEY_MISSING', 'no data key, nor an erasure record, exists for this subject', 500);
  }
}

export class PiiMasterKeyMismatch extends DomainError {
  constructor(wrappedWith: string, configured: string) {
    super(
      'PII_MASTER_KEY_MISMATCH',
      `a subject data key was wrapped with master key ${wrappedWith}, but the vault is configured with master key ${configured}`,
      500,
      { wrappedWith, configured },
    );
  }
}

export class PiiSubjectKeyCorrupt extends DomainError {
  constructor() {
    super('PII_SUBJECT_KEY_CORRUPT', 'a stored subject data key fails its integrity check', 500);
  }
}

export class PiiMasterKeyInvalid extends DomainError {
  constructor(length: number) {
    super('PII_MASTER_KEY_INVALID', `the PII master key must be exactly 32 bytes, got ${length}`, 500);
  }
}

export class PiiSubjectIdInvalid extends DomainError {
  constructor() {
    super(
      'PII_SUBJECT_ID_INVALID',
      'a PII subject id must be a non-empty string of at most 200 characters',
      400,
    );
  }
}

export class PiiFieldNotJson extends DomainError {
  constructor(field: string) {
    super('PII_FIELD_NOT_JSON', `personal-data field ${field} holds a value JSON cannot represent`, 400);
  }
}
