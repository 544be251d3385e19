import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DomainError } from '#libs/errors';
import type { EventStore, RecordedEvent, Subscription } from '#libs/event-store';
import { EVENT_STORE, Upcasters } from '#libs/eventsourcing';
import { CORPORATION_EVENT_TYPES, type CorporationEvent } from '../domain/corporation.events.js';
import { corporation, type RegisteredCorporation, type SigningKey } from '../domain/corporation.state.js';

export interface RegisteredKey {
  readonly corporation: RegisteredCorporation;
  readonly key: SigningKey;
  /** Imported once, when the key is registered: verification never parses a JWK. */
  readonly keyObject: KeyObject;
}

const CORPORATE_TYPES = new Set<string>(CORPORATION_EVENT_TYPES);

/**
 * Every corporation with its dated history, in memory, fed by a catch-up subscription on the log from its
 * start: signature validation answers without a database round trip, and every instance converges on the log.
 * Writes wait for it (read-your-writes), as other contexts wait for their projections.
 */
@Injectable()
export class CorporateRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CorporateRegistry');
  private readonly corporations = new Map<string, RegisteredCorporation>();
  private readonly keysByKid = new Map<string, RegisteredKey>();
  private readonly keyObjects = new Map<string, KeyObject>();
  /** Every corporation a citizen was ever appointed at: their app's list is then not a scan of all corporations. */
  private readonly appointedAt = new Map<string, Set<string>>();
  private position: bigint | undefined;
  private waiters: { position: bigint; resolve: () => void }[] = [];
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly upcasters: Upcasters,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.store.subscribeToAll();
    this.running = this.follow(this.subscription);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    await this.running;
  }

  corporationOf(corporationId: string): RegisteredCorporation | undefined {
    return this.corporations.get(corporationId);
  }

  all(): IterableIterator<RegisteredCorporation> {
    return this.corporations.values();
  }

  /** The corporations where the citizen holds or held an appointment; which are in force is the caller's question. */
  corporationsOf(citizenId: string): RegisteredCorporation[] {
    return [...(this.appointedAt.get(citizenId) ?? [])].map((id) => this.corporations.get(id)!);
  }

  keyOf(kid: string): RegisteredKey | undefined {
    return this.keysByKid.get(kid);
  }

  /** Resolves once every event appended before this call is taken in. */
  async caughtUpToHead(): Promise<void> {
    const head = await this.store.headPosition();
    if (head !== undefined) await this.waitFor(head);
  }

  /** Resolves once the log up to `position` is taken in. */
  async waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    if (this.position !== undefined && this.position >= position) return;
    let timer: NodeJS.Timeout | undefined;
    const reached = new Promise<void>((resolve) => this.waiters.push({ position, resolve }));
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DomainError(
              'CORPORATE_CHANGE_NOT_YET_VISIBLE',
              'the change is recorded but not yet readable; repeat the request with the same Idempotency-Key for its answer',
              503,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([reached, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async follow(subscription: Subscription): Promise<void> {
    try {
      for await (const recorded of subscription) {
        if (CORPORATE_TYPES.has(recorded.type)) this.apply(this.upcasters.upcast(recorded));
        this.position = recorded.position;
        if (this.waiters.length > 0) {
          const due = this.waiters.filter((w) => w.position <= recorded.position);
          this.waiters = this.waiters.filter((w) => w.position > recorded.position);
          for (const waiter of due) waiter.resolve();
        }
      }
    } catch (error) {
      this.logger.error(`the corporate registry stopped following the log: ${(error as Error).name}`);
    }
  }

  private apply(recorded: RecordedEvent): void {
    const event = recorded as unknown as CorporationEvent;
    const id = event.data.corporationId;
    const state = corporation.evolve(this.corporations.get(id) ?? corporation.initialState(), event);
    if (state.status === 'unregistered') return;
    this.corporations.set(id, state);
    for (const { citizenId } of state.appointments.values()) {
      const corporations = this.appointedAt.get(citizenId) ?? new Set<string>();
      this.appointedAt.set(citizenId, corporations.add(id));
    }
    for (const key of state.keys.values()) {
      let keyObject = this.keyObjects.get(key.kid);
      if (!keyObject) {
        keyObject = createPublicKey({ key: key.publicJwk, format: 'jwk' });
        this.keyObjects.set(key.kid, keyObject);
      }
      this.keysByKid.set(key.kid, { corporation: state, key, keyObject });
    }
  }
}
