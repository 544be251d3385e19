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
}
