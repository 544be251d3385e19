/**
 * The event log every bounded context writes to. One port, three adapters (sqlite, postgres, eventstoredb),
 * one conformance suite (`testing/conformance.ts`) that all of them pass.
 *
 * Positions are opaque, strictly increasing bigints in the single global order of the log. A position taken
 * from one adapter means nothing to another. `fromPosition` is always exclusive: "the events after this one".
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface NewEvent {
  /** A UUID. Appending an event whose id is already in the stream is a no-op, as in EventStoreDB. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata?: JsonObject;
}

export interface RecordedEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly recordedAt: Date;
}

export interface AppendOptions {
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the last event in the stream after the append: pass it as the next expected revision. */
  readonly nextExpectedRevision: bigint;
  /** The global position of the last appended event. */
  readonly position: bigint;
}

export interface ReadStreamOptions {
  /** Inclusive. Defaults to the first revision forwards, the last revision backwards. */
  readonly fromRevision?: bigint;
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: the events after this position. Omitted: from the start of the log. */
  readonly fromPosition?: bigint;
  /** Defaults to 1000: page through a large log by passing the last position back. */
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive, like `readAll`; typically a projection's checkpoint. */
  readonly fromPosition?: bigint;
}

/**
 * Catch-up, then live: yields every event after `fromPosition` in global order, never skipping one,
 * and keeps waiting for new ones until closed.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface StreamMetadata {
  /** Events below this revision are hidden from `readStream` (how a soft delete works). */
  readonly truncateBefore?: bigint;
  readonly custom?: JsonObject;
}

export interface StreamState {
  /** The revision of the last event ever appended, or `undefined` if the stream never existed. */
  readonly revision: bigint | undefined;
  /** Soft-deleted and not written to since. */
  readonly deleted: boolean;
}

export interface EventStore {
  append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** An unknown or soft-deleted stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The position of the last event `readAll` would return now, `undefined` for an empty log: how far a
   * subscriber has to go to be caught up (rebuild progress, projection lag).
   */
  headPosition(): Promise<bigint | undefined>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  getStreamMetadata(stream: string): Promise<StreamMetadata>;
  setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void>;
  /**
   * Soft delete: the stream reads as empty and counts as absent for `expectedRevision`, its events stay in
   * `readAll`. Appending again revives it, with revisions continuing after the old ones.
   */
  deleteStream(stream: string, options?: AppendOptions): Promise<void>;
  /** A cheap round trip that proves the store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
