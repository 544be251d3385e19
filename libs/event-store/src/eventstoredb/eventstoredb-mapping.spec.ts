import { describe, expect, it } from '@jest/globals';
import { ANY, BACKWARDS, END, FORWARDS, NO_STREAM, START, STREAM_EXISTS } from '@eventstore/db-client';
import type { AllStreamRecordedEvent } from '@eventstore/db-client';
import { prepareStreamMetadata } from '@eventstore/db-client/dist/streams/utils/streamMetadata.js';
import { serializeEvents } from '../append-validation.js';
import { fakeEntry } from './eventstoredb-events.testing.js';
import {
  eventOf,
  fromEsdbStreamMetadata,
  isSystemEvent,
  SOFT_DELETED_TRUNCATE_BEFORE,
  toAppendExpectedRevision,
  toDeleteExpectedRevision,
  toEsdbReadStreamOptions,
  toEsdbStreamMetadata,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-mapping.js';
import { encodePosition } from './eventstoredb-position.js';

const recorded = (overrides: Partial<AllStreamRecordedEvent> = {}): AllStreamRecordedEvent =>
  ({
    ...fakeEntry({ commit: 4096n, prepare: 4000n, revision: 3n }).event!,
    ...overrides,
  }) as AllStreamRecordedEvent;

describe('expected revisions', () => {
  it.each([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [7n, 7n],
  ] as const)('maps %s for appends', (ours, theirs) => {
    expect(toAppendExpectedRevision(ours)).toBe(theirs);
  });

  it('maps stream_exists for deletes to ANY, the check being made beforehand', () => {
    expect(toDeleteExpectedRevision('stream_exists')).toBe(ANY);
    expect(toDeleteExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toDeleteExpectedRevision(0n)).toBe(0n);
  });
});

describe('events to write', () => {
  it('writes JSON with our id, type, data and metadata exactly as validated', () => {
    const [serialized] = serializeEvents([
      {
        id: 'A1B2C3D4-0000-4000-8000-000000000001',
        type: 'ConsentGranted',
        data: { nameZh: '陳大文', nested: [1, null] },
        metadata: { actor: '管理員' },
      },
    ]);
    expect(toEventData(serialized!)).toEqual({
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      contentType: 'application/json',
      type: 'ConsentGranted',
      data: { nameZh: '陳大文', nested: [1, null] },
      metadata: { actor: '管理員' },
    });
  });
});

describe('stream read options', () => {
  it('reads forwards from the start and backwards from the end unless told a revision', () => {
    expect(toEsdbReadStreamOptions({}, 10)).toEqual({
      direction: FORWARDS,
      fromRevision: START,
      maxCount: 10,
    });
    expect(toEsdbReadStreamOptions({ direction: 'backwards' }, 3)).toEqual({
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 3,
    });
    expect(toEsdbReadStreamOptions({ direction: 'backwards', fromRevision: 2n }, 3)).toMatchObject({
      fromRevision: 2n,
    });
  });

  it('refuses a negative or non-bigint revision before asking the server', () => {
    expect(() => toEsdbReadStreamOptions({ fromRevision: -1n }, 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_REVISION', status: 400 }),
    );
    expect(() => toEsdbReadStreamOptions({ fromRevision: 1 as never }, 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_REVISION' }),
    );
  });
});

describe('recorded events', () => {
  it('carries id, stream, revision, type, data, metadata, time and the packed position over', () => {
    const event = recorded();
    expect(toRecordedEvent(event)).toEqual({
      id: event.id,
      stream: 'citizen-1',
      revision: 3n,
      position: encodePosition({ commit: 4096n, prepare: 4000n }),
      type: 'CitizenRegistered',
      data: { n: 4096 },
      metadata: { correlationId: 'c-1' },
      recordedAt: new Date('2024-05-01T08:00:00Z'),
    });
  });

  it('reads missing metadata as an empty object', () => {
    expect(toRecordedEvent(recorded({ metadata: undefined })).metadata).toEqual({});
  });

  it('refuses events this store never writes rather than skipping them', () => {
    const binary = { ...recorded(), isJson: false, data: new Uint8Array([1]) } as AllStreamRecordedEvent;
    expect(() => toRecordedEvent(binary)).toThrow(/citizen-1@3 does not hold a JSON object/);
    expect(() => toRecordedEvent(recorded({ data: [1, 2] }))).toThrow(/JSON object/);
    expect(() => toRecordedEvent(recorded({ metadata: 'text' }))).toThrow(/metadata/);
  });

  it('refuses an event the server sent without its position instead of inventing one', () => {
    const unknown = (1n << 64n) - 1n;
    expect(() => toRecordedEvent(recorded({ position: { commit: unknown, prepare: unknown } }))).toThrow(
      /without its log position/,
    );
  });

  it('tells system events and $-streams from the platform log', () => {
    expect(isSystemEvent(recorded())).toBe(false);
    expect(isSystemEvent(recorded({ type: '$metadata' }))).toBe(true);
    expect(isSystemEvent(recorded({ streamId: '$$citizen-1', type: 'Opaque' }))).toBe(true);
  });

  it('insists on an event in every read entry', () => {
    expect(eventOf(fakeEntry({ commit: 1n }))).toBeDefined();
    expect(() => eventOf({})).toThrow(/without its event/);
  });
});

describe('stream metadata', () => {
  it('round-trips truncateBefore and custom metadata', () => {
    const ours = { truncateBefore: 2n, custom: { owner: 'test', maxAge: 5 } };
    const theirs = toEsdbStreamMetadata(ours);
    expect(theirs).toEqual({ truncateBefore: 2, custom: { owner: 'test', maxAge: 5 } });
    expect(fromEsdbStreamMetadata(theirs)).toEqual(ours);
  });

  it('keeps custom keys away from the top level, where the client turns `maxAge` into a retention rule', () => {
    const written = prepareStreamMetadata(
      toEsdbStreamMetadata({ truncateBefore: 3n, custom: { maxAge: 1, truncateBefore: 1 } }),
    );
    expect(written).toEqual({ $tb: 3, custom: { maxAge: 1, truncateBefore: 1 } });
  });

  it('writes nothing for what is not given, and reads nothing from no metadata', () => {
    expect(toEsdbStreamMetadata({})).toEqual({});
    expect(fromEsdbStreamMetadata(undefined)).toEqual({});
    expect(fromEsdbStreamMetadata({ truncateBefore: 'end', custom: 'not an object' })).toEqual({});
  });

  it("reads the server's soft-delete marker, which JSON.parse cannot hold exactly, as 'every revision hidden'", () => {
    const marker = JSON.parse('{"$tb": 9223372036854775807}')['$tb'] as number;
    expect(fromEsdbStreamMetadata({ truncateBefore: marker })).toEqual({
      truncateBefore: SOFT_DELETED_TRUNCATE_BEFORE,
    });
  });

  it.each([
    ['a negative truncateBefore', { truncateBefore: -1n }],
    ['a truncateBefore beyond a safe integer', { truncateBefore: 1n << 60n }],
    ['custom metadata that is an array', { custom: [1] as never }],
  ])('refuses %s', (_what, metadata) => {
    expect(() => toEsdbStreamMetadata(metadata)).toThrow(
      expect.objectContaining({ code: 'INVALID_STREAM_METADATA', status: 400 }),
    );
  });
});
