import { randomUUID } from 'node:crypto';
import { DomainError } from '#libs/errors';
import { WrongExpectedVersion, type EventStore, type NewEvent, type RecordedEvent } from '#libs/event-store';
import type { Clock } from '../clock/clock.js';
import { metadataOf, type CommandContext, type EventMetadata } from '../metadata/event-metadata.js';
import type { Upcasters } from '../metadata/upcasters.js';
import { deterministicUuid } from './deterministic-uuid.js';
import type { DomainEvent, Evolver } from './domain-event.js';

export interface LoadedAggregate<State> {
  readonly state: State;
  /** The stream's last revision, `undefined` for a stream that does not exist yet. */
  readonly revision: bigint | undefined;
  readonly events: readonly RecordedEvent[];
}

export interface HandleResult<State, Event extends DomainEvent> {
  readonly state: State;
  /** What the command wrote, or, for a retried idempotent command, what its first run wrote. */
  readonly events: readonly Event[];
  readonly revision: bigint | undefined;
  /** True when this was a retry of a command already applied under the same idempotency key. */
  readonly replayed: boolean;
}

export interface AggregateStoreOptions {
  /** How many times a decision is re-run on fresh state after losing a race, before answering 409. */
  readonly maxAttempts?: number;
}

/**
 * Load a stream, fold it with a pure `evolve`, run a pure `decide`, append with the expected revision.
 * Losing an optimistic-concurrency race re-runs the decision on the new state a bounded number of times.
 */
export class AggregateStore {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    private readonly upcasters: Upcasters,
    private readonly clock: Clock,
    options: AggregateStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  async load<State, Event extends DomainEvent>(
    stream: string,
    evolver: Evolver<State, Event>,
  ): Promise<LoadedAggregate<State>> {
    const events = (await this.store.readStream(stream)).map((e) => this.upcasters.upcast(e));
    const state = fold(evolver, evolver.initialState(), events as unknown as readonly Event[]);
    const last = events[events.length - 1];
    return { state, revision: last?.revision, events };
  }

  /**
   * `known`, when the caller read the stream already (to check something before a slow step, say), is decided
   * on first instead of reading it again: the append still expects its revision, so a change since then is
   * caught and decided again on fresh state like any lost race.
   */
  async handle<State, Event extends DomainEvent>(
    stream: string,
    evolver: Evolver<State, Event>,
    decide: (state: State) => readonly Event[],
    context: CommandContext,
    known?: LoadedAggregate<State>,
  ): Promise<HandleResult<State, Event>> {
    let keyClaimed = false;
    for (let attempt = 1; ; attempt++) {
      const loaded = attempt === 1 && known ? known : await this.load(stream, evolver);
      const replay = this.findReplay<State, Event>(stream, loaded, context);
      if (replay) return replay;

      const events = decide(loaded.state);
      if (events.length === 0)
        return { state: loaded.state, events, revision: loaded.revision, replayed: false };
      if (context.idempotency && !keyClaimed) {
        await this.claimKey(stream, context);
        keyClaimed = true;
      }
      try {
        const result = await this.store.append(stream, this.toNewEvents(stream, events, context), {
          expectedRevision: loaded.revision ?? 'no_stream',
        });
        const state = fold(evolver, loaded.state, events);
        return { state, events, revision: result.nextExpectedRevision, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new DomainError(
            'CONCURRENCY_CONFLICT',
            `${stream} kept changing while this command was decided; retry it`,
            409,
          );
        }
      }
    }
  }

  /**
   * For a command that writes to several streams: refuses, before the first write, an idempotency key that
   * `stream` already holds from a different request, so that no earlier stream is written in vain. Answers
   * whether `stream` holds this very request already: a retry, whose checks were passed when it was applied.
   */
  async assertSameRequest(stream: string, context: CommandContext): Promise<boolean> {
    if (!context.idempotency) return false;
    const events = await this.store.readStream(stream);
    return this.findReplay(stream, { state: undefined, revision: undefined, events }, context) !== undefined;
  }

  /**
   * Records which request an Idempotency-Key was first used for, before that request writes: the same key sent
   * with another request is then refused even when that request would write another stream (an e-service
   * registered under another client id, say), which the stream's own deterministic event ids cannot see. A
   * request writing several streams claims its key once per stream, always with the same fingerprint.
   */
  private async claimKey(stream: string, context: CommandContext): Promise<void> {
    const { key, fingerprint } = context.idempotency!;
    const claim = idempotencyKeyStream(context.actor, key);
    for (;;) {
      const [first] = await this.store.readStream(claim, { maxCount: 1 });
      if (first) {
        if (first.data['fingerprint'] !== fingerprint) throw idempotencyKeyReused();
        return;
      }
      try {
        // A random event id: two requests racing for the key must conflict, not pass as one retried append.
        await this.store.append(
          claim,
          [
            {
              id: randomUUID(),
              type: 'IdempotencyKeyUsed',
              data: { fingerprint, stream },
              metadata: metadataOf(context, this.clock.now().toISOString(), 1),
            },
          ],
          { expectedRevision: 'no_stream' },
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
      }
    }
  }

  private toNewEvents(stream: string, events: readonly DomainEvent[], context: CommandContext): NewEvent[] {
    const occurredAt = this.clock.now().toISOString();
    return events.map((event, index) => {
      const metadata: EventMetadata = {
        ...metadataOf(context, occurredAt, this.upcasters.currentVersion(event.type)),
        ...(context.idempotency && {
          idempotencyKey: context.idempotency.key,
          requestFingerprint: context.idempotency.fingerprint,
        }),
      };
      const id = context.idempotency ? idempotentEventId(stream, context, index) : randomUUID();
      return { id, type: event.type, data: event.data, metadata };
    });
  }

  /** A retried command finds the events its first run wrote under the same key, and answers with them. */
  private findReplay<State, Event extends DomainEvent>(
    stream: string,
    loaded: LoadedAggregate<State>,
    context: CommandContext,
  ): HandleResult<State, Event> | undefined {
    if (!context.idempotency) return undefined;
    const byId = new Map(loaded.events.map((e) => [e.id, e]));
    const first = byId.get(idempotentEventId(stream, context, 0));
    if (!first) return undefined;
    if (first.metadata['requestFingerprint'] !== context.idempotency.fingerprint)
      throw idempotencyKeyReused();
    const events: Event[] = [];
    for (
      let index = 0, e: RecordedEvent | undefined = first;
      e;
      e = byId.get(idempotentEventId(stream, context, ++index))
    ) {
      events.push({ type: e.type, data: e.data } as unknown as Event);
    }
    return { state: loaded.state, events, revision: loaded.revision, replayed: true };
  }
}

/** Applies the events the evolver declares it reads; the others in the stream are none of its business. */
function fold<State, Event extends DomainEvent>(
  evolver: Evolver<State, Event>,
  state: State,
  events: readonly Event[],
): State {
  const types = new Set<string>(evolver.eventTypes);
  return events.reduce((s, e) => (types.has(e.type) ? evolver.evolve(s, e) : s), state);
}

const idempotencyKeyReused = (): DomainError =>
  new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    'this Idempotency-Key was already used for a different request',
    422,
  );

/** One stream per key and actor: keys are the client's, so two actors' equal keys are different keys. */
const idempotencyKeyStream = (actor: string, key: string): string =>
  `idempotencyKey-${deterministicUuid('idempotency-key', actor, key)}`;

function idempotentEventId(stream: string, context: CommandContext, index: number): string {
  return deterministicUuid('event', context.actor, context.idempotency!.key, stream, String(index));
}
