import { InvalidAppend, WrongExpectedVersion } from './errors.js';
import type { AppendOptions, ExpectedRevision, NewEvent, StreamState } from './event-store.port.js';

/** `category-id`: a lower-camel category, a dash, then an id of URL-safe characters. */
const STREAM_NAME = /^[a-z][a-zA-Z0-9]{0,63}-[A-Za-z0-9_.:@~-]{1,190}$/;
const EVENT_TYPE = /^[A-Z][A-Za-z0-9_.]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;

export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export function assertStreamName(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string' || !STREAM_NAME.test(stream)) {
    throw new InvalidAppend(
      'INVALID_STREAM_NAME',
      'stream names are "category-id": a category of letters and digits starting lower-case, a dash, ' +
        'then 1-190 of A-Z a-z 0-9 _ . : @ ~ -',
    );
  }
}

export function normalizeExpectedRevision(expected: unknown): ExpectedRevision {
  if (expected === undefined) return 'any';
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (typeof expected === 'bigint' && expected >= 0n) return expected;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0)
    return BigInt(expected);
  throw new InvalidAppend(
    'INVALID_EXPECTED_REVISION',
    'expectedRevision must be "any", "no_stream", "stream_exists" or a non-negative integer revision',
  );
}

/** Validates and serializes a batch before anything is written, so a bad event never half-writes a batch. */
export function serializeEvents(
  events: readonly NewEvent[],
  maxEventBytes: number = DEFAULT_MAX_EVENT_BYTES,
): SerializedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppend('EMPTY_APPEND', 'an append needs at least one event');
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppend('TOO_MANY_EVENTS', `an append holds at most ${MAX_EVENTS_PER_APPEND} events`);
  }
  const ids = new Set<string>();
  return events.map((event, index) => {
    const where = `event #${index}`;
    if (typeof event?.id !== 'string' || !UUID.test(event.id)) {
      throw new InvalidAppend('INVALID_EVENT_ID', `${where}: id must be a UUID`);
    }
    if (ids.has(event.id)) throw new InvalidAppend('DUPLICATE_EVENT_ID', `${where}: id repeats in the batch`);
    ids.add(event.id);
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
      throw new InvalidAppend('INVALID_EVENT_TYPE', `${where}: type must be PascalCase, 1-128 characters`);
    }
    const data = serializeObject(event.data, `${where}: data`);
    const metadata = serializeObject(event.metadata ?? {}, `${where}: metadata`);
    const bytes = Buffer.byteLength(data) + Buffer.byteLength(metadata);
    if (bytes > maxEventBytes) {
      throw new InvalidAppend(
        'EVENT_TOO_LARGE',
        `${where}: ${bytes} bytes of data and metadata, the limit is ${maxEventBytes}`,
      );
    }
    return { id: event.id.toLowerCase(), type: event.type, data, metadata };
  });
}

function serializeObject(value: unknown, what: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidAppend('INVALID_EVENT_DATA', `${what} must be a JSON object`);
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    throw new InvalidAppend('INVALID_EVENT_DATA', `${what} is not serializable as JSON`);
  }
  return json;
}

export function checkExpectedRevision(stream: string, expected: ExpectedRevision, state: StreamState): void {
  const current = state.deleted ? undefined : state.revision;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    (typeof expected === 'bigint' && current === expected);
  if (!ok) throw new WrongExpectedVersion(stream, expected, current);
}

export function assertMaxCount(maxCount: unknown, fallback: number): number {
  if (maxCount === undefined) return fallback;
  if (typeof maxCount !== 'number' || !Number.isSafeInteger(maxCount) || maxCount < 1) {
    throw new InvalidAppend('INVALID_MAX_COUNT', 'maxCount must be a positive integer');
  }
  return maxCount;
}

export interface PreparedAppend {
  readonly expected: ExpectedRevision;
  readonly events: readonly SerializedEvent[];
}

/** Everything every adapter checks before it touches storage; a refusal here writes nothing. */
export function prepareAppend(
  stream: string,
  events: readonly NewEvent[],
  options: AppendOptions,
  maxEventBytes: number,
): PreparedAppend {
  assertStreamName(stream);
  return {
    expected: normalizeExpectedRevision(options.expectedRevision),
    events: serializeEvents(events, maxEventBytes),
  };
}
