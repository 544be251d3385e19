import type { RecordedEvent } from '#libs/event-store';
import type { Kysely, Transaction } from 'kysely';

/**
 * A read model fed by the log. `apply` gets the events of one batch, already upcast and filtered to
 * `eventTypes`, inside the transaction that also moves the checkpoint: rows and checkpoint commit together.
 */
export interface Projection {
  /** The checkpoint's key: stable, kebab-case, e.g. `citizen-registrations`. */
  readonly name: string;
  /** Bump when the read model's shape or meaning changes: a stored older version is rebuilt from zero at start. */
  readonly version: number;
  readonly eventTypes: readonly string[];
  /**
   * Events per transaction while catching up, if not the runner's: a projection that aggregates a batch in
   * memory before writing rebuilds faster with larger batches.
   */
  readonly catchUpBatchSize?: number;
  /** Creates the read model's tables if missing; runs at every start, so it must be idempotent. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  setup(db: Kysely<any>): Promise<void>;
  /** Empties the read model before a rebuild. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  reset(trx: Transaction<any>): Promise<void>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  apply(trx: Transaction<any>, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * For a projection that folds a batch in memory before writing it: the runner hands it each event as it is
   * read, instead of holding the whole batch's events until the commit. Large catch-up batches then cost no
   * more memory than their tally, not a garbage collector kept busy with tens of thousands of held events.
   */
  tally?(): ProjectionTally;
  /**
   * Called when the projection has caught up with the log and turns live (at start, after a rebuild): e.g. to
   * refresh the planner's statistics of tables a rebuild just filled. A failure is logged, not retried.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  caughtUp?(db: Kysely<any>): Promise<void>;
}

/** A batch of events folded in memory as they are read; what it writes must equal `apply` of those events. */
export interface ProjectionTally {
  add(event: RecordedEvent): void;
  /** Inside the commit's transaction; called again, on the unchanged tally, when that transaction is retried. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  write(trx: Transaction<any>): Promise<void>;
}
