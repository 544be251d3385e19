import { describe, expect, it } from '@jest/globals';
import {
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { DomainError } from '#libs/errors';
import { EventStoreUnavailable, WrongExpectedVersion } from '../errors.js';
import {
  describeConnectionTarget,
  isPartialReappend,
  isStreamAbsent,
  retrySlot,
  translateError,
} from './eventstoredb-errors.js';

const target = describeConnectionTarget(
  'esdb://admin:p@ss/w0rd@node1:2113,node2:2113?tls=true&tlsCAFile=/ca.pem',
);
const write = { target, write: { stream: 'citizen-1', expected: 4n } } as const;
const wrongVersion = (current: bigint | 'no_stream') =>
  new WrongExpectedVersionError(undefined, { streamName: 'citizen-1', expected: 4n, current });

describe('describeConnectionTarget', () => {
  it.each([
    ['esdb://admin:changeit@localhost:2113?tls=false', 'esdb://localhost:2113'],
    ['esdb://admin:p@ss/w0rd@node1:2113,node2:2113?tls=true', 'esdb://node1:2113,node2:2113'],
    ['esdb+discover://ops:secret@cluster.internal:2113', 'esdb+discover://cluster.internal:2113'],
    ['esdb://127.0.0.1:2113/?tls=false', 'esdb://127.0.0.1:2113'],
    ['kurrentdb://user:pw@db:2113', 'kurrentdb://db:2113'],
  ])('shows %s as %s', (connectionString, shown) => {
    expect(describeConnectionTarget(connectionString)).toBe(shown);
  });

  it('shows nothing of a string it cannot read', () => {
    expect(describeConnectionTarget('admin:secret@host')).toBe('an unparseable address');
  });
});

describe('translateError', () => {
  it('turns a refused append into WRONG_EXPECTED_VERSION with the revision the server reports', () => {
    const error = translateError(wrongVersion(7n), write);
    expect(error).toBeInstanceOf(WrongExpectedVersion);
    expect(error).toMatchObject({
      code: 'WRONG_EXPECTED_VERSION',
      status: 409,
      stream: 'citizen-1',
      actual: 7n,
    });
  });

  it.each([['no_stream' as const], [-1n]])('reads an absent stream (%s) as no actual revision', (current) => {
    expect(translateError(wrongVersion(current), write)).toMatchObject({ actual: undefined, expected: 4n });
  });

  it('treats a deleted stream as absent on writes', () => {
    expect(translateError(StreamDeletedError.fromStreamName('citizen-1'), write)).toMatchObject({
      code: 'WRONG_EXPECTED_VERSION',
      actual: undefined,
    });
  });

  it.each([
    ['unavailable', new UnavailableError()],
    ['deadline exceeded', new DeadlineExceededError()],
    [
      'a gRPC status 14 not yet converted',
      Object.assign(new Error('14 UNAVAILABLE'), { code: 14, details: '' }),
    ],
    [
      'an answer from something that is not EventStoreDB',
      Object.assign(new Error('12'), { code: 12, details: '' }),
    ],
    ['a failed cluster discovery', new Error('Failed to discover after 10 attempts.')],
  ])('reports %s as EVENT_STORE_UNAVAILABLE (503) naming the hosts only', (_what, error) => {
    const translated = translateError(error, { target });
    expect(translated).toBeInstanceOf(EventStoreUnavailable);
    expect(translated).toMatchObject({ status: 503 });
    expect(translated.message).toContain('esdb://node1:2113,node2:2113');
    expect(translated.message).not.toMatch(/admin|w0rd|ca\.pem/);
  });

  it("reports the server's append size limit as a bad request", () => {
    expect(translateError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), write)).toMatchObject({
      code: 'APPEND_TOO_LARGE',
      status: 400,
      message: expect.stringContaining('1048576'),
    });
  });

  it('reports refused credentials without showing them', () => {
    const translated = translateError(new AccessDeniedError(), { target });
    expect(translated).toMatchObject({ code: 'EVENT_STORE_ACCESS_DENIED', status: 500 });
    expect(translated.message).not.toContain('admin');
  });

  it("passes the port's own errors and unrelated errors through", () => {
    const ours = new DomainError('EVENT_ID_CONFLICT', 'x', 409);
    const bug = new TypeError('undefined is not a function');
    expect(translateError(ours, write)).toBe(ours);
    expect(translateError(bug, write)).toBe(bug);
    expect(translateError('odd', write)).toEqual(new Error('odd'));
  });

  it('leaves a wrong expected version outside a write as the client reported it', () => {
    const error = wrongVersion(7n);
    expect(translateError(error, { target })).toBe(error);
  });
});

describe('telling absent streams and partial re-appends apart', () => {
  it('knows which read errors mean the stream is not there', () => {
    expect(isStreamAbsent(new StreamNotFoundError(undefined, 'citizen-1'))).toBe(true);
    expect(isStreamAbsent(StreamDeletedError.fromStreamName('citizen-1'))).toBe(true);
    expect(isStreamAbsent(new UnavailableError())).toBe(false);
    expect(isStreamAbsent(new Error('stream not found'))).toBe(false);
  });

  it('looks for a retried append where the same expected revision would have put it', () => {
    expect(retrySlot('no_stream')).toBe(0n);
    expect(retrySlot(4n)).toBe(5n);
    expect(retrySlot('any')).toBeUndefined();
    expect(retrySlot('stream_exists')).toBeUndefined();
  });

  it.each([
    ['any, refused on an existing stream: the server found the first id', 'any', 3n, undefined, true],
    ['stream_exists, refused on an existing stream', 'stream_exists', 3n, undefined, true],
    ['stream_exists, refused because the stream is absent', 'stream_exists', undefined, undefined, false],
    ['an exact revision whose retry slot holds our first id', 4n, 6n, 'first', true],
    ['an exact revision whose retry slot holds another event', 4n, 6n, 'other', false],
    ['no_stream on a stream that does not have our first event', 'no_stream', 2n, 'other', false],
    ['no_stream with nothing at revision 0', 'no_stream', 2n, undefined, false],
  ] as const)('%s', (_case, expected, actual, idAtSlot, partial) => {
    expect(isPartialReappend(expected, actual, 'first', idAtSlot)).toBe(partial);
  });
});
