import { EventIdConflict } from './errors.js';
import type { AppendResult } from './event-store.port.js';

/** Where one of an append's event ids was already written. */
export interface WrittenEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
}

/**
 * Judges an append whose ids may already be in the log. None written: a new append (`undefined`). All written,
 * to this stream, consecutively, in this order: a retry, answered as the first time (this is what makes a retry
 * after a connection lost during commit safe). Anything else: EVENT_ID_CONFLICT.
 */
export function judgeReappend(
  stream: string,
  ids: readonly string[],
  written: readonly WrittenEvent[],
): AppendResult | undefined {
  if (written.length === 0) return undefined;
  const byId = new Map(written.map((w) => [w.id, w]));
  const found = ids.map((id) => byId.get(id));
  const first = found[0];
  const consecutive =
    first !== undefined &&
    found.every(
      (f, i) => f !== undefined && f.stream === stream && f.revision === first.revision + BigInt(i),
    );
  if (!consecutive) throw new EventIdConflict(stream);
  const last = found[found.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position };
}
