import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  type AppendExpectedRevision,
  type EventData,
  type ExpectedRevision as DeleteExpectedRevision,
  type RecordedEvent as EsdbRecordedEvent,
  type ReadStreamOptions as EsdbReadStreamOptions,
  type StreamMetadata as EsdbStreamMetadata,
} from '@eventstore/db-client';
import type { SerializedEvent } from '../append-validation.js';
import { InvalidAppend } from '../errors.js';
import type {
  ExpectedRevision,
  JsonObject,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadata,
} from '../event-store.port.js';
import { encodePosition, isKnownPosition } from './eventstoredb-position.js';

/**
 * EventStoreDB's soft-delete marker (`$tb` = long.MaxValue). JSON.parse cannot hold it exactly, so any `$tb` beyond
 * the safe-integer range is read as this marker: every revision is hidden.
 */
export const SOFT_DELETED_TRUNCATE_BEFORE = (1n << 63n) - 1n;

export function toAppendExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/** The delete call has no `stream_exists`; the caller checks existence itself and deletes with ANY. */
export function toDeleteExpectedRevision(expected: ExpectedRevision): DeleteExpectedRevision {
  switch (expected) {
    case 'any':
    case 'stream_exists':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    default:
      return expected;
  }
}

/** The bytes written are those `serializeEvents` validated and measured, not a second rendering of the input. */
export function toEventData(event: SerializedEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: JSON.parse(event.data) as JsonObject,
    metadata: JSON.parse(event.metadata) as JsonObject,
  });
}

export function toEsdbReadStreamOptions(options: ReadStreamOptions, maxCount: number): EsdbReadStreamOptions {
  const from = options.fromRevision;
  if (from !== undefined && (typeof from !== 'bigint' || from < 0n)) {
    throw new InvalidAppend('INVALID_REVISION', 'fromRevision must be a non-negative bigint');
  }
  return options.direction === 'backwards'
    ? { direction: BACKWARDS, fromRevision: from ?? END, maxCount }
    : { direction: FORWARDS, fromRevision: from ?? START, maxCount };
}

/** System events and system streams ($-prefixed) belong to the server, not to the platform's log. */
export function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/** Reads never resolve links, so every entry carries its own event. */
export function eventOf<E>(resolved: { readonly event?: E }): E {
  if (resolved.event === undefined) throw new Error('EventStoreDB returned a read entry without its event');
  return resolved.event;
}

/**
 * Refuses, rather than skips or guesses, what this port never writes: a silent skip would break the promise that a
 * subscriber sees every event, and a made-up position would corrupt checkpoints.
 */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const where = `event ${event.streamId}@${event.revision}`;
  if (!event.isJson || !isJsonObject(event.data)) {
    throw new Error(`${where} does not hold a JSON object: it was not written through this event store`);
  }
  const metadata = event.metadata ?? {};
  if (!isJsonObject(metadata)) {
    throw new Error(`${where} has metadata that is not a JSON object`);
  }
  if (!isKnownPosition(event.position)) {
    throw new Error(
      `${where} came without its log position: EventStoreDB 22.10 or later is required, and events of ` +
        'legacy explicit transactions carry no position in stream reads',
    );
  }
  return {
    id: event.id,
    stream: event.streamId,
    revision: event.revision,
    position: encodePosition(event.position),
    type: event.type,
    data: event.data,
    metadata,
    recordedAt: event.created,
  };
}

/**
 * Our custom metadata lives under one `custom` key rather than at the top level, where EventStoreDB's own keys live
 * and where the client would turn a custom `maxAge` or `truncateBefore` into a real retention setting.
 */
export function toEsdbStreamMetadata(metadata: StreamMetadata): EsdbStreamMetadata {
  const { truncateBefore, custom } = metadata;
  if (
    truncateBefore !== undefined &&
    (typeof truncateBefore !== 'bigint' ||
      truncateBefore < 0n ||
      truncateBefore > BigInt(Number.MAX_SAFE_INTEGER))
  ) {
    throw new InvalidAppend(
      'INVALID_STREAM_METADATA',
      `truncateBefore must be a bigint from 0 to ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  if (custom !== undefined && !isJsonObject(custom)) {
    throw new InvalidAppend('INVALID_STREAM_METADATA', 'custom metadata must be a JSON object');
  }
  return {
    ...(truncateBefore !== undefined && { truncateBefore: Number(truncateBefore) }),
    ...(custom !== undefined && { custom }),
  };
}

export function fromEsdbStreamMetadata(metadata: EsdbStreamMetadata | undefined): StreamMetadata {
  const truncateBefore = metadata?.truncateBefore;
  const custom: unknown = metadata?.['custom'];
  return {
    ...(Number.isInteger(truncateBefore) &&
      typeof truncateBefore === 'number' &&
      truncateBefore >= 0 && {
        truncateBefore:
          truncateBefore <= Number.MAX_SAFE_INTEGER ? BigInt(truncateBefore) : SOFT_DELETED_TRUNCATE_BEFORE,
      }),
    ...(isJsonObject(custom) && { custom }),
  };
}

function isJsonObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}
