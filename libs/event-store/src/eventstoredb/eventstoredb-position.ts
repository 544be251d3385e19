import { START, type Position, type ReadPosition } from '@eventstore/db-client';
import { InvalidAppend } from '../errors.js';

/**
 * Our position for an EventStoreDB event is its `(commit, prepare)` pair packed losslessly into one bigint:
 * `commit << 64 | prepare`.
 *
 * Why both halves: $all is ordered by commit position, then prepare position. Events appended through gRPC are
 * self-committed, so each has `commit === prepare` and positions are unique; but events of an explicit
 * transaction (the legacy TCP API, or data migrated from old servers) share the commit position of their commit
 * record and differ only in their prepare positions. Keeping only the commit position would give such events the
 * same position, so a checkpoint taken inside such a group would either re-deliver or skip its siblings.
 * Packing both halves keeps positions unique, strictly increasing in $all order, and decodable back into the exact
 * `Position` the server needs to resume from.
 *
 * The price: positions exceed 64 bits (`commit * 2^64`), so a checkpoint column must hold arbitrary integers
 * (NUMERIC / TEXT), not BIGINT.
 */
const PREPARE_BITS = 64n;
const PREPARE_MASK = (1n << PREPARE_BITS) - 1n;
/** Log positions are signed 64-bit on the server; it reports "unknown" as the unsigned maximum. */
const MAX_LOG_POSITION = (1n << 63n) - 1n;

export function isKnownPosition(position: Position | undefined): position is Position {
  return (
    position !== undefined &&
    position.commit >= 0n &&
    position.commit <= MAX_LOG_POSITION &&
    position.prepare >= 0n &&
    position.prepare <= MAX_LOG_POSITION
  );
}

export function encodePosition(position: Position): bigint {
  const { commit, prepare } = position;
  if (!isKnownPosition(position)) {
    throw new RangeError(`not an EventStoreDB log position: ${commit}/${prepare}`);
  }
  return (commit << PREPARE_BITS) | prepare;
}

export function decodePosition(position: bigint): Position {
  return { commit: position >> PREPARE_BITS, prepare: position & PREPARE_MASK };
}

export function assertPosition(position: unknown): asserts position is bigint | undefined {
  if (position !== undefined && (typeof position !== 'bigint' || position < 0n)) {
    throw new InvalidAppend(
      'INVALID_POSITION',
      'fromPosition must be a non-negative bigint taken from an event',
    );
  }
}

/**
 * Where to start a server read or subscription to get the events after `position`. Reads start AT the position
 * (inclusive); subscriptions start after it, or on older servers after the first event found at or after it; so
 * callers drop whatever comes at or before it. Position 0 maps to START, which means the same minus that older
 * subscription behaviour: no event sits at 0, so the first event after it would be skipped.
 */
export function readPositionAfter(position: bigint | undefined): ReadPosition {
  return position === undefined || position === 0n ? START : decodePosition(position);
}
