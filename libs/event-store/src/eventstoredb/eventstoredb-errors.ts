import { convertToCommandError, ErrorType, isCommandError } from '@eventstore/db-client';
import { DomainError } from '#libs/errors';
import { EventStoreUnavailable, InvalidAppend, WrongExpectedVersion } from '../errors.js';
import type { ExpectedRevision } from '../event-store.port.js';

/** gRPC status of a call to a service the peer does not have: whatever answers is not EventStoreDB. */
const GRPC_UNIMPLEMENTED = 12;

export interface ErrorContext {
  /** From `describeConnectionTarget`: safe to show. */
  readonly target: string;
  /** Set for writes, where a refusal about the stream's state is a wrong expected version. */
  readonly write?: { readonly stream: string; readonly expected: ExpectedRevision };
}

/**
 * The hosts of a connection string, for messages and logs: never its credentials (`user:password@`), nor its query,
 * which may name key files. Hosts cannot contain `@`, so whatever precedes the last `@` is dropped.
 */
export function describeConnectionTarget(connectionString: string): string {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):\/\//i.exec(connectionString);
  if (!scheme) return 'an unparseable address';
  const rest = connectionString.slice(scheme[0].length);
  const hosts = rest.slice(rest.lastIndexOf('@') + 1).split(/[/?#]/, 1)[0];
  return `${scheme[1]}://${hosts}`;
}

/**
 * The client's errors in the port's terms. The messages made here name the redacted target only; errors passed on
 * as they are come from calls, whose messages carry no connection string (unlike the client's parse errors, which
 * `open` never passes on).
 */
export function translateError(error: unknown, context: ErrorContext): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (error instanceof DomainError) return error;
  const converted = convertToCommandError(error);
  if (!isCommandError(converted)) {
    return /^Failed to discover/.test(converted.message)
      ? unavailable(context, 'cluster discovery failed')
      : converted;
  }
  switch (converted.type) {
    case ErrorType.WRONG_EXPECTED_VERSION:
      // Absent arrives as 'no_stream', or as -1 in the trailers of a refused delete.
      return context.write
        ? new WrongExpectedVersion(
            context.write.stream,
            context.write.expected,
            converted.actualVersion === 'no_stream' || converted.actualVersion < 0n
              ? undefined
              : converted.actualVersion,
          )
        : converted;
    case ErrorType.STREAM_DELETED:
      // The port has no tombstones: a deleted stream is an absent one.
      return context.write
        ? new WrongExpectedVersion(context.write.stream, context.write.expected, undefined)
        : converted;
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
      return new InvalidAppend(
        'APPEND_TOO_LARGE',
        `the append exceeds the server's limit of ${converted.maxAppendSize} bytes per append: split it`,
      );
    case ErrorType.ACCESS_DENIED:
      return new DomainError(
        'EVENT_STORE_ACCESS_DENIED',
        `EventStoreDB at ${context.target} refused the credentials or their permissions`,
        500,
      );
    case ErrorType.UNKNOWN:
      return converted.code === GRPC_UNIMPLEMENTED
        ? unavailable(context, 'whatever answers there does not speak the EventStoreDB protocol')
        : converted;
    case ErrorType.UNAVAILABLE:
      return unavailable(context, 'no connection');
    case ErrorType.DEADLINE_EXCEEDED:
    case ErrorType.TIMEOUT:
      return unavailable(context, 'no answer in time');
    case ErrorType.NOT_LEADER:
      return unavailable(context, 'the node is not the leader; the next call goes to the leader');
    case ErrorType.CANCELLED:
      return unavailable(context, 'the server cancelled the call');
    default:
      return converted;
  }
}

export function unavailable(context: Pick<ErrorContext, 'target'>, reason: string): EventStoreUnavailable {
  return new EventStoreUnavailable(`EventStoreDB at ${context.target} is unavailable (${reason})`);
}

/** The stream, or all of it, is gone: reads answer empty. */
export function isStreamAbsent(error: unknown): boolean {
  return (
    error instanceof Error &&
    isCommandError(error) &&
    (error.type === ErrorType.STREAM_NOT_FOUND || error.type === ErrorType.STREAM_DELETED)
  );
}

/**
 * The revision where the first event of this append would already sit if the append is a retry of one that
 * succeeded with the same expected revision; unknown for `any` and `stream_exists`.
 */
export function retrySlot(expected: ExpectedRevision): bigint | undefined {
  if (expected === 'no_stream') return 0n;
  return typeof expected === 'bigint' ? expected + 1n : undefined;
}

/**
 * EventStoreDB answers "wrong expected version" both to a real conflict and to an append whose first event id was
 * already written but whose later ids differ ("corrupted idempotency"); the port calls the latter EVENT_ID_CONFLICT.
 * For `any` and `stream_exists` on an existing stream the server refuses nothing else, so the refusal itself says
 * it; for an exact revision, the event at the retry slot tells.
 */
export function isPartialReappend(
  expected: ExpectedRevision,
  actual: bigint | undefined,
  firstId: string,
  idAtRetrySlot: string | undefined,
): boolean {
  if (expected === 'any' || expected === 'stream_exists') return actual !== undefined;
  return idAtRetrySlot === firstId;
}
