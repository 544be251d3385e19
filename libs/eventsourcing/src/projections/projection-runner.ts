import { Logger } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { EventStore, RecordedEvent, Subscription } from '#libs/event-store';
import type { Clock } from '../clock/clock.js';
import type { Upcasters } from '../metadata/upcasters.js';
import type { ReadModelDatabase } from '../read-models/read-model-database.js';
import {
  deleteCheckpoint,
  loadCheckpoint,
  lockCheckpoint,
  saveCheckpoint,
  setupCheckpoints,
} from './checkpoints.js';
import type { Projection, ProjectionTally } from './projection.js';

export type ProjectionState = 'catching-up' | 'live' | 'failing' | 'stopped';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: ProjectionState;
  /** The position of the last event the read model has taken in; `undefined` before the first. */
  readonly position: bigint | undefined;
  readonly eventsProcessed: number;
  /** The code of the last failure while it is failing: never an event's data. */
  readonly lastError?: string;
}

export interface RebuildProgress {
  readonly name: string;
  readonly eventsProcessed: number;
  readonly position: bigint | undefined;
  readonly target: bigint | undefined;
  readonly eventsPerSecond: number;
}

export interface ProjectionRunnerOptions {
  /** Events per read-model transaction while catching up; live events are committed as soon as they pause. */
  readonly batchSize?: number;
  readonly retryDelayMs?: number;
}

const PAUSED = Symbol('paused');

/**
 * Feeds each projection from its own catch-up subscription to the log (never from an in-process publish),
 * and commits read-model rows with the checkpoint in one transaction: after a crash it resumes where the last
 * commit left it, and no event is applied twice or skipped.
 */
export class ProjectionRunner {
  private readonly logger = new Logger('Projections');
  private readonly running = new Map<string, ProjectionLoop>();
  private readonly projections = new Map<string, Projection>();

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelDatabase,
    private readonly upcasters: Upcasters,
    private readonly clock: Clock,
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  async start(projections: readonly Projection[]): Promise<void> {
    await this.readModels.migrate(setupCheckpoints);
    for (const projection of projections) {
      if (this.projections.has(projection.name))
        throw new Error(`projection ${projection.name} registered twice`);
      this.projections.set(projection.name, projection);
      await this.readModels.migrate((db) => projection.setup(db));
      let checkpoint = await loadCheckpoint(this.readModels.db, projection.name);
      if (checkpoint && checkpoint.version !== projection.version) {
        this.logger.log(
          `${projection.name}: read model v${checkpoint.version} is older than v${projection.version}, rebuilding`,
        );
        await this.reset(projection);
        checkpoint = undefined;
      }
      this.launch(projection, checkpoint?.position);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((loop) => loop.stop()));
    this.running.clear();
  }

  status(): ProjectionStatus[] {
    return [...this.running.values()].map((loop) => loop.status());
  }

  /**
   * Resolves once the named projections (all, by default) have taken in the log up to `position`:
   * read-your-writes for callers, who name the read model they answer from so an unrelated failing one
   * cannot hold them up.
   */
  async waitFor(position: bigint, timeoutMs = 10_000, names?: readonly string[]): Promise<void> {
    const loops = [...this.running.values()].filter((loop) => !names || names.includes(loop.status().name));
    await Promise.all(loops.map((loop) => loop.waitFor(position, timeoutMs)));
  }

  /**
   * Empties a read model and replays the whole log into it, reporting progress, then leaves it running live.
   * `target` is the log's head when the rebuild began: the rebuild resolves once it got there.
   */
  async rebuild(
    name: string,
    target: bigint | undefined,
    onProgress?: (progress: RebuildProgress) => void,
  ): Promise<RebuildProgress> {
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`no projection named ${name}`);
    await this.running.get(name)?.stop();
    await this.reset(projection);
    const started = performance.now();
    const progress = (loop: ProjectionLoop): RebuildProgress => {
      const status = loop.status();
      const seconds = (performance.now() - started) / 1000;
      return {
        name,
        eventsProcessed: status.eventsProcessed,
        position: status.position,
        target,
        eventsPerSecond: seconds > 0 ? Math.round(status.eventsProcessed / seconds) : 0,
      };
    };
    const loop = this.launch(projection, undefined, onProgress && ((l) => onProgress(progress(l))));
    if (target !== undefined) await loop.waitFor(target, Number.POSITIVE_INFINITY);
    return progress(loop);
  }

  private async reset(projection: Projection): Promise<void> {
    await this.readModels.transaction(async (trx) => {
      await projection.reset(trx);
      await deleteCheckpoint(trx, projection.name);
    });
  }

  private launch(
    projection: Projection,
    from: bigint | undefined,
    onProgress?: (loop: ProjectionLoop) => void,
  ): ProjectionLoop {
    const loop = new ProjectionLoop(
      projection,
      from,
      this.store,
      this.readModels,
      this.upcasters,
      this.clock,
      {
        batchSize: projection.catchUpBatchSize ?? this.options.batchSize ?? 500,
        retryDelayMs: this.options.retryDelayMs ?? 1000,
        logger: this.logger,
        ...(onProgress && { onProgress }),
      },
    );
    this.running.set(projection.name, loop);
    return loop;
  }
}

interface LoopOptions {
  readonly batchSize: number;
  readonly retryDelayMs: number;
  readonly logger: Logger;
  readonly onProgress?: (loop: ProjectionLoop) => void;
}

/** How often a projection's checkpoint moves past events it does not read, at most. */
const IDLE_CHECKPOINT_INTERVAL_MS = 1_000;

class ProjectionLoop {
  private readonly eventTypes: ReadonlySet<string>;
  private readonly subscription: Subscription;
  private readonly done: Promise<void>;
  private state: ProjectionState = 'catching-up';
  private stopped = false;
  private eventsProcessed = 0;
  private lastError: string | undefined;
  private lastProgressAt = 0;
  private checkpointSavedAt = 0;
  private waiters: { position: bigint; resolve: () => void }[] = [];

  constructor(
    private readonly projection: Projection,
    private position: bigint | undefined,
    private readonly store: EventStore,
    private readonly readModels: ReadModelDatabase,
    private readonly upcasters: Upcasters,
    private readonly clock: Clock,
    private readonly options: LoopOptions,
  ) {
    this.eventTypes = new Set(projection.eventTypes);
    this.subscription = store.subscribeToAll(position === undefined ? {} : { fromPosition: position });
    this.done = this.run();
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      version: this.projection.version,
      state: this.state,
      position: this.position,
      eventsProcessed: this.eventsProcessed,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription.close();
    await this.done;
    this.state = 'stopped';
  }

  waitFor(position: bigint, timeoutMs: number): Promise<void> {
    if (this.position !== undefined && this.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.waiters = this.waiters.filter((w) => w !== waiter);
            reject(
              new Error(`projection ${this.projection.name} did not reach position ${position} in time`),
            );
          }, timeoutMs)
        : undefined;
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Gathers events while the subscription hands them over without waiting (catch-up), and commits a batch
   * when it is full or as soon as the subscription would have to wait: big transactions while catching up,
   * immediate ones when live.
   */
  private async run(): Promise<void> {
    const iterator = this.subscription[Symbol.asyncIterator]();
    let batch = this.newBatch();
    let pending = iterator.next();
    // One timer turn shared by the whole batch, renewed after every wait, rather than one per event.
    const turns = new LoopTurns();
    turns.watch();
    try {
      // A store read over the network makes the subscription wait at every page: before the log's end as it
      // was at the start, such a wait is not the end of the catch-up, and neither cuts a batch nor turns live.
      const end = await this.store.headPosition();
      while (!this.stopped) {
        let next = await turns.race(pending);
        if (next === PAUSED && this.state === 'catching-up' && !reached(batch.last ?? this.position, end)) {
          next = await pending;
          turns.watch();
        } else if (next === PAUSED) {
          await this.commit(batch);
          batch = this.newBatch();
          if (this.state === 'catching-up') await this.caughtUp();
          this.state = 'live';
          next = await pending;
          turns.watch();
        } else if (batch.size >= this.options.batchSize) {
          await this.commit(batch);
          batch = this.newBatch();
          await turns.letTurn();
        }
        if (next.done) break;
        batch.add(next.value);
        pending = iterator.next();
      }
      if (batch.size > 0 && !this.stopped) await this.commit(batch);
    } catch (error) {
      this.state = 'failing';
      this.lastError = errorCode(error);
      this.options.logger.error(`${this.projection.name} stopped: ${this.lastError}`);
    }
  }

  private async caughtUp(): Promise<void> {
    try {
      await this.projection.caughtUp?.(this.readModels.db);
    } catch (error) {
      this.options.logger.error(
        `${this.projection.name} caught up, but its follow-up failed: ${errorCode(error)}`,
      );
    }
  }

  private newBatch(): PendingBatch {
    return new PendingBatch(this.eventTypes, this.upcasters, this.projection.tally?.());
  }

  /**
   * Retries a failing batch until it commits or the loop is stopped: an event is never skipped. Instances that
   * share the read models (several platforms on one PostgreSQL, or a command-line tool beside the platform)
   * each follow the log; the stored checkpoint, read under a lock, tells which events another one already
   * applied, so that each is applied once and a counter never counts twice.
   */
  private async commit(batch: PendingBatch): Promise<void> {
    const { first, last } = batch;
    if (first === undefined || last === undefined) return;
    // Every projection reads every event: a batch with nothing for this one moves its stored checkpoint only now
    // and then, rather than costing a transaction per projection per append. After a restart those few events are
    // read again and skipped again.
    const idle =
      batch.relevant === 0 && performance.now() - this.checkpointSavedAt < IDLE_CHECKPOINT_INTERVAL_MS;
    for (; !idle;) {
      try {
        await this.readModels.transaction(async (trx) => {
          const stored = await lockCheckpoint(trx, this.readModels.dialect, this.projection.name);
          if (stored !== undefined && stored.position >= last) return;
          if (stored === undefined || stored.position < first) await batch.write(trx, this.projection);
          else await this.applyAfter(trx, stored.position, batch);
          await saveCheckpoint(
            trx,
            this.projection.name,
            { position: last, version: this.projection.version },
            this.clock.now(),
          );
        });
        this.checkpointSavedAt = performance.now();
        break;
      } catch (error) {
        this.state = 'failing';
        this.lastError = errorCode(error);
        this.options.logger.error(
          `${this.projection.name} failed on events ${first}..${last}: ${this.lastError}; retrying`,
        );
        await delay(this.options.retryDelayMs);
        if (this.stopped) return;
      }
    }
    if (this.state === 'failing') this.state = 'catching-up';
    this.lastError = undefined;
    this.position = last;
    this.eventsProcessed += batch.size;
    this.wakeWaiters();
    this.reportProgress();
  }

  /**
   * Another instance committed the batch up to `after`: only the events past it are applied. A tally cannot
   * take events out, so they are read again from the log (a rare case: instances sharing read models overlap).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async applyAfter(trx: Transaction<any>, after: bigint, batch: PendingBatch): Promise<void> {
    const unapplied = batch.held
      ? batch.held.filter((e) => e.position > after)
      : await this.readRelevant(after, batch.last!);
    if (unapplied.length > 0) await this.projection.apply(trx, unapplied);
  }

  /** The events this projection reads in (`after`, `last`], upcast. */
  private async readRelevant(after: bigint, last: bigint): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let from = after; from < last;) {
      const page = await this.store.readAll({ fromPosition: from, maxCount: 1000 });
      if (page.length === 0) break;
      for (const event of page)
        if (event.position <= last && this.eventTypes.has(event.type))
          events.push(this.upcasters.upcast(event));
      from = page[page.length - 1]!.position;
    }
    return events;
  }

  private wakeWaiters(): void {
    const position = this.position!;
    const ready = this.waiters.filter((w) => w.position <= position);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of ready) waiter.resolve();
  }

  private reportProgress(): void {
    if (!this.options.onProgress) return;
    const now = performance.now();
    if (now - this.lastProgressAt < 1000) return;
    this.lastProgressAt = now;
    this.options.onProgress(this);
  }
}

/**
 * The events read since the last commit: those the projection reads are held as they are, or folded into its
 * tally as they arrive.
 */
class PendingBatch {
  /** Events read, of any type. */
  size = 0;
  /** Events the projection reads. */
  relevant = 0;
  first: bigint | undefined;
  last: bigint | undefined;
  /** Without a tally: the events to apply. */
  readonly held: RecordedEvent[] | undefined;

  constructor(
    private readonly eventTypes: ReadonlySet<string>,
    private readonly upcasters: Upcasters,
    private readonly tally: ProjectionTally | undefined,
  ) {
    this.held = tally ? undefined : [];
  }

  add(event: RecordedEvent): void {
    this.size++;
    this.first ??= event.position;
    this.last = event.position;
    if (!this.eventTypes.has(event.type)) return;
    this.relevant++;
    const upcast = this.upcasters.upcast(event);
    if (this.tally) this.tally.add(upcast);
    else this.held!.push(upcast);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async write(trx: Transaction<any>, projection: Projection): Promise<void> {
    if (this.relevant === 0) return;
    if (this.tally) await this.tally.write(trx);
    else await projection.apply(trx, this.held!);
  }
}

/**
 * Tells whether the subscription's next event came before the event loop turned: `race` answers the event, or
 * PAUSED once a macrotask ran while it waited (the subscription is waiting for I/O: time to commit). A catch-up
 * runs in microtasks and may not let a macrotask run for minutes, so one pending promise raced against every
 * event would hold each result, and the events in it, until the end: this keeps one waiter at a time.
 */
class LoopTurns {
  private turned = false;
  private scheduled = false;
  private waiting: ((paused: typeof PAUSED) => void) | undefined;

  /** From now on, watches for the next turn of the event loop. */
  watch(): void {
    this.turned = false;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turned = true;
      this.waiting?.(PAUSED);
      this.waiting = undefined;
    });
  }

  /**
   * A catch-up on the embedded store runs on settled promises alone, so the event loop would never reach a
   * macrotask: HTTP requests and timers would wait until the whole log is read. Called once per batch, this lets
   * the loop turn, then watches for the next turn.
   */
  async letTurn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.watch();
  }

  race<T>(pending: Promise<T>): Promise<T | typeof PAUSED> {
    // Already turned: a next event that is ready still comes first, as in Promise.race.
    if (this.turned) return Promise.race([pending, Promise.resolve(PAUSED)]);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      pending.then((value) => {
        this.waiting = undefined;
        resolve(value);
      }, reject);
    });
  }
}

/** Whether the events taken in, up to `position`, include the log's event at `end` (none: an empty log). */
function reached(position: bigint | undefined, end: bigint | undefined): boolean {
  return end === undefined || (position !== undefined && position >= end);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Log lines carry a code or class name, never a message that could quote personal data from an event. */
function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return (error as Error).name ?? 'Error';
  }
  return 'Error';
}
