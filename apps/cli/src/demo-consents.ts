import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CryptoKey } from 'jose';
import {
  ARTEFACT_PURPOSE,
  ChangeConsentCommand,
  CONSENT_OPTIONS,
  consentChangePayload,
  consentDecisionPayload,
  ConsentExpirySweep,
  consentStream,
  DecideConsentCommand,
  ExchangeDataCommand,
  MESSAGES_PURPOSE,
  PublishDatasetCommand,
  RegisterParticipantCommand,
  RequestConsentCommand,
  termsHash,
  type ConsentOptions,
  type ConsentRequested,
} from '#libs/consent';
import { DomainError } from '#libs/errors';
import type { EventStore } from '#libs/event-store';
import {
  EVENT_STORE,
  PlatformSigner,
  ProjectionRunner,
  type Clock,
  type CommandContext,
} from '#libs/eventsourcing';
import { signDevicePayload, type DeviceSigner } from '#libs/identity';
import {
  PROOF_OF_ADDRESS,
  startHousingProvider,
  type HousingProvider,
} from '../../demo-consent/src/housing-provider.js';
import { inParallel } from './in-parallel.js';

/** The one device key every demo citizen shares (see demo-data-command.ts). */
export interface DemoDevice {
  readonly privateKey: CryptoKey;
  readonly deviceId: string;
  /** A public JWK for the demo participants' keys: the demo never authenticates as them over HTTP. */
  readonly rpJwk: Record<string, string>;
}

export interface ConsentFigures {
  requested: number;
  approved: number;
  rejected: number;
  revoked: number;
  expired: number;
  exchanges: number;
  refusedExchanges: number;
}

const PROVIDER = 'demo-housing';
const CONSUMERS = ['demo-social-welfare', 'demo-student-finance', 'demo-labour'];
const DATASET = 'demo-proof-of-address';
const DAY_MS = 86_400_000;

/**
 * The consented-data-exchange side of the demo history, through the gateway's own commands: a housing department
 * serving proof of address (the demo provider, run in this process on a loopback port while the command runs),
 * three consumers asking citizens for consents, which the citizens approve (70 %), reject (15 %) or leave
 * pending; under an approved consent the consumer fetches up to three times a day, the third refused by the
 * consent's frequency; a tenth of the approved are revoked, and the consumer's next fetch refused; consents that
 * run out are expired by the platform's own expiry sweep as the days go by.
 */
export class DemoConsents {
  readonly figures: ConsentFigures = {
    requested: 0,
    approved: 0,
    rejected: 0,
    revoked: 0,
    expired: 0,
    exchanges: 0,
    refusedExchanges: 0,
  };
  private readonly commands: CommandBus;
  private readonly store: EventStore;

  private constructor(
    private readonly app: INestApplicationContext,
    private readonly clock: Clock,
    private readonly device: DemoDevice,
    private readonly random: () => number,
    /** The longest a consent runs, in days: within the history, so that some run out during it. */
    private readonly longestDays: number,
    private readonly provider: HousingProvider,
  ) {
    this.commands = app.get(CommandBus);
    this.store = app.get<EventStore>(EVENT_STORE);
  }

  /** Registers the participants and publishes the dataset, for a history of `days`. */
  static async open(
    app: INestApplicationContext,
    clock: Clock,
    device: DemoDevice,
    random: () => number,
    days: number,
  ): Promise<DemoConsents> {
    const signer = app.get(PlatformSigner);
    const { gatewayUrl } = app.get<ConsentOptions>(CONSENT_OPTIONS, { strict: false });
    const provider = await startHousingProvider({
      platformUrl: gatewayUrl.replace(/\/gateway$/, ''),
      providerId: PROVIDER,
      keys: {
        artefacts: await signer.publicJwks(ARTEFACT_PURPOSE),
        messages: await signer.publicJwks(MESSAGES_PURPOSE),
      },
      now: () => clock.now(),
    });
    const demo = new DemoConsents(app, clock, device, random, Math.min(60, days), provider);
    try {
      await demo.setUp();
    } catch (error) {
      await provider.close();
      throw error;
    }
    return demo;
  }

  private async setUp(): Promise<void> {
    const participants = [
      { participantId: PROVIDER, name: 'Housing Department (demo)', roles: ['provider' as const] },
      ...CONSUMERS.map((participantId) => ({
        participantId,
        name: `${participantId} (demo)`,
        roles: ['consumer' as const],
      })),
    ];
    for (const participant of participants) {
      await this.commands.execute(
        new RegisterParticipantCommand(
          {
            ...participant,
            department: 'DEMO',
            ...(participant.participantId === PROVIDER && { endpoint: this.provider.url }),
            jwks: { keys: [{ ...this.device.rpJwk, kid: `${participant.participantId}-1` }] },
          },
          context('admin'),
        ),
      );
    }
    await this.commands.execute(
      new PublishDatasetCommand(
        {
          datasetId: DATASET,
          providerId: PROVIDER,
          ...PROOF_OF_ADDRESS,
        },
        context(`participant:${PROVIDER}`),
      ),
    );
    // Consents are asked against the catalogue's read model: it must hold the dataset first.
    await this.caughtUp('consent-catalogue');
  }

  /** One day: consents that ran out expire, then `count` new consents and what follows them. */
  async day(citizens: readonly string[], count: number, concurrency: number): Promise<void> {
    await this.caughtUp('citizen-consents');
    const sweep = this.app.get(ConsentExpirySweep);
    for (let expired = await sweep.sweep(); expired > 0; expired = await sweep.sweep()) {
      this.figures.expired += expired;
    }
    await inParallel(Array.from({ length: count }), concurrency, () =>
      this.consent(citizens[Math.floor(this.random() * citizens.length)]!),
    );
  }

  close(): Promise<void> {
    return this.provider.close();
  }

  private async consent(citizenId: string): Promise<void> {
    const consumer = CONSUMERS[Math.floor(this.random() * CONSUMERS.length)]!;
    const now = this.clock.now().getTime();
    const { consentId } = await this.commands.execute(
      new RequestConsentCommand(
        consumer,
        {
          citizenId,
          datasetId: DATASET,
          items: ['address', 'since'],
          purpose: { code: 'ELIGIBILITY', text: 'Check eligibility for an allowance' },
          frequency: { mode: 'periodic', maxFetches: 2, per: 'day' },
          dataRange: { from: '2020-01-01', to: '2030-12-31' },
          retentionDays: 30,
          expiresAt: new Date(now + (1 + this.random() * this.longestDays) * DAY_MS).toISOString(),
        },
        context(`participant:${consumer}`),
      ),
    );
    this.figures.requested++;
    const answer = this.random();
    if (answer >= 0.85) return;
    const decision = answer < 0.7 ? 'approve' : 'reject';
    const [requested] = (await this.store.readStream(consentStream(consentId), {
      maxCount: 1,
    })) as unknown as ConsentRequested[];
    const hash = termsHash(requested!.data.terms);
    await this.commands.execute(
      new DecideConsentCommand(
        consentId,
        await this.signed(citizenId, consentDecisionPayload(consentId, hash, decision)),
        decision,
        context(`citizen:${citizenId}`),
      ),
    );
    if (decision === 'reject') {
      this.figures.rejected++;
      return;
    }
    this.figures.approved++;
    const fetches = Math.floor(this.random() * 4);
    for (let n = 0; n < fetches; n++) await this.exchange(consumer, consentId);
    if (this.random() < 0.1) {
      await this.commands.execute(
        new ChangeConsentCommand(
          consentId,
          await this.signed(citizenId, consentChangePayload(consentId, 'revoke')),
          'revoke',
          context(`citizen:${citizenId}`),
        ),
      );
      this.figures.revoked++;
      await this.exchange(consumer, consentId);
    }
  }

  /** A refusal is one of the figures the demo is for: counted, not thrown. */
  private async exchange(consumer: string, consentId: string): Promise<void> {
    try {
      await this.commands.execute(
        new ExchangeDataCommand(consumer, { consentId }, context(`participant:${consumer}`)),
      );
      this.figures.exchanges++;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.figures.refusedExchanges++;
    }
  }

  private async signed(citizenId: string, payload: Parameters<typeof signDevicePayload>[1]) {
    const signature = await signDevicePayload(this.device.privateKey, payload, this.clock.now());
    return { citizenId, deviceId: this.device.deviceId, signature } satisfies DeviceSigner;
  }

  private async caughtUp(projection: string): Promise<void> {
    const head = await this.store.headPosition();
    if (head !== undefined) await this.app.get(ProjectionRunner).waitFor(head, 30_000, [projection]);
  }
}

function context(actor: string): CommandContext {
  return { correlationId: randomUUID(), causationId: randomUUID(), actor };
}
