import { DomainError } from '#libs/errors';
import type { ExpectedRevision } from './event-store.port.js';

export class WrongExpectedVersion extends DomainError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | undefined,
  ) {
    super(
      'WRONG_EXPECTED_VERSION',
      `stream ${stream} is at ${actual === undefined ? 'no revision (absent)' : `revision ${actual}`}, expected ${String(expected)}`,
      409,
      { stream, expected: String(expected), actual: actual === undefined ? null : actual.toString() },
    );
  }
}

export class InvalidAppend extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 400);
  }
}

export class EventStoreUnavailable extends DomainError {
  constructor(message: string) {
    super('EVENT_STORE_UNAVAILABLE', message, 503);
  }
}

export class EventIdConflict extends DomainError {
  constructor(stream: string) {
    super(
      'EVENT_ID_CONFLICT',
      `some event ids of this append to ${stream} were already written, but not as this same append`,
      409,
    );
  }
}
