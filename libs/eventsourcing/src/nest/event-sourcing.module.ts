import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { AggregateStore } from '../aggregates/aggregate-store.js';
import { ADMIN_TOKEN, AdminGuard } from '../http/admin.guard.js';
import { systemClock, type Clock } from '../clock/clock.js';
import { Upcasters } from '../metadata/upcasters.js';
import { AppendTimings, timedEventStore } from '../observability/append-timings.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { PiiVault } from '../pii/pii-vault.js';
import { PlatformSigner } from '../signing/platform-signer.js';
import type { ReadModelDatabase } from '../read-models/read-model-database.js';
import { openEventStore, openReadModels } from './open-storage.js';
import type { StorageConfig } from './storage-config.js';
import { CLOCK, EVENT_STORE, READ_MODELS, STORAGE_CONFIG } from './tokens.js';

/**
 * Closes storage last: Nest calls this after the HTTP server has drained its in-flight requests, so no
 * request loses its store halfway. Projections stop first, so their last batch commits or rolls back whole.
 */
@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(READ_MODELS) private readonly readModels: ReadModelDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.projections.stop();
    await this.readModels.close();
    await this.store.close();
  }
}

export interface EventSourcingModuleOptions {
  readonly storage: StorageConfig;
  /** 32 bytes from configuration: wraps the PII vault's per-subject data keys. */
  readonly piiMasterKey: Buffer;
  /** The administrators' bearer token (see AdminGuard). */
  readonly adminToken: string;
  readonly clock?: Clock;
  readonly upcasters?: Upcasters;
}

@Global()
@Module({})
export class EventSourcingModule {
  static forRoot(options: EventSourcingModuleOptions): DynamicModule {
    return {
      module: EventSourcingModule,
      providers: [
        { provide: STORAGE_CONFIG, useValue: options.storage },
        { provide: ADMIN_TOKEN, useValue: options.adminToken },
        AdminGuard,
        AppendTimings,
        {
          provide: EVENT_STORE,
          useFactory: async (timings: AppendTimings) =>
            timedEventStore(await openEventStore(options.storage), timings),
          inject: [AppendTimings],
        },
        { provide: READ_MODELS, useFactory: () => openReadModels(options.storage) },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: Upcasters, useValue: options.upcasters ?? new Upcasters() },
        {
          provide: AggregateStore,
          useFactory: (store: EventStore, upcasters: Upcasters, clock: Clock) =>
            new AggregateStore(store, upcasters, clock),
          inject: [EVENT_STORE, Upcasters, CLOCK],
        },
        {
          provide: ProjectionRunner,
          useFactory: (
            store: EventStore,
            readModels: ReadModelDatabase,
            upcasters: Upcasters,
            clock: Clock,
          ) => new ProjectionRunner(store, readModels, upcasters, clock),
          inject: [EVENT_STORE, READ_MODELS, Upcasters, CLOCK],
        },
        {
          provide: PiiVault,
          useFactory: async (readModels: ReadModelDatabase, clock: Clock) => {
            const vault = new PiiVault(readModels, options.piiMasterKey, { clock });
            await vault.setup();
            return vault;
          },
          inject: [READ_MODELS, CLOCK],
        },
        {
          provide: PlatformSigner,
          useFactory: (readModels: ReadModelDatabase, vault: PiiVault, clock: Clock) =>
            new PlatformSigner(readModels, vault, clock),
          inject: [READ_MODELS, PiiVault, CLOCK],
        },
        StorageLifecycle,
      ],
      exports: [
        ADMIN_TOKEN,
        AdminGuard,
        STORAGE_CONFIG,
        EVENT_STORE,
        AppendTimings,
        READ_MODELS,
        CLOCK,
        Upcasters,
        AggregateStore,
        ProjectionRunner,
        PiiVault,
        PlatformSigner,
      ],
    };
  }
}
