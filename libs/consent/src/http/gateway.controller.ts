import { Body, Controller, Get, HttpCode, Logger, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import {
  AggregateStore,
  Context,
  PlatformSigner,
  toProblem,
  type CommandContext,
  type ProblemDetails,
} from '#libs/eventsourcing';
import { CurrentParticipant, ParticipantGuard } from '../auth/participant.guard.js';
import {
  ExchangeDataCommand,
  type DeliveredExchange,
  type ExchangeAsk,
} from '../commands/exchange-data.command.js';
import { PublishDatasetCommand } from '../commands/publish-dataset.command.js';
import { RequestConsentCommand } from '../commands/request-consent.command.js';
import { ARTEFACT_PURPOSE, MESSAGES_PURPOSE } from '../domain/consent-artefact.js';
import type { ConsentTerms, Frequency } from '../domain/consent-terms.js';
import { consentNotFound } from '../domain/consent.decide.js';
import { consentStream } from '../domain/consent.events.js';
import { consent, type ConsentStatus } from '../domain/consent.state.js';
import type { ParticipantRole } from '../domain/participant.js';
import {
  ConsentCatalogue,
  type DatasetView,
  type ParticipantView,
} from '../projections/consent-catalogue.js';
import {
  ExchangeBatchDto,
  ExchangeDto,
  PublishDatasetDto,
  RequestConsentDto,
  type ExchangeItemDto,
  type FrequencyDto,
} from './consent.dto.js';
import { ConsentIdParam } from './uuid-param.js';

const requireRole = (participant: ParticipantView, role: ParticipantRole) => {
  if (!participant.roles.includes(role)) {
    throw new DomainError('PARTICIPANT_ROLE_REQUIRED', `only a ${role} may do this`, 403);
  }
};

const frequencyOf = (dto: FrequencyDto): Frequency =>
  dto.mode === 'once' ? { mode: 'once' } : { mode: 'periodic', maxFetches: dto.maxFetches!, per: dto.per! };

const askOf = (consentId: string, body: ExchangeDto): ExchangeAsk => ({
  consentId,
  ...(body.datasetId !== undefined && { datasetId: body.datasetId }),
  ...(body.items !== undefined && { items: body.items }),
  ...(body.dataRange !== undefined && { dataRange: { from: body.dataRange.from, to: body.dataRange.to } }),
});

/** One item of a batch's answer: the exchange delivered, or the problem a single exchange would have answered. */
export type ExchangeOutcome =
  | { readonly consentId: string; readonly status: 200; readonly exchange: DeliveredExchange }
  | { readonly consentId: string; readonly status: number; readonly problem: ProblemDetails };

/** What a consent's parties (its consumer and provider) may read of it. */
export interface ConsentStatusView {
  readonly consentId: string;
  readonly status: ConsentStatus;
  readonly terms: ConsentTerms;
  readonly artefact?: string;
}

/** The gateway's API for participants, each call authenticated by a JWT the participant signed. */
@Controller('gateway')
export class GatewayController {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly commands: CommandBus,
    private readonly catalogue: ConsentCatalogue,
    private readonly aggregates: AggregateStore,
    private readonly signer: PlatformSigner,
  ) {}

  /** The keys consent artefacts are signed with, for providers to verify them offline. */
  @Get('jwks/artefacts')
  artefactKeys() {
    return this.signer.publicJwks(ARTEFACT_PURPOSE);
  }

  /** The keys of the gateway's exchange requests and webhook bodies. */
  @Get('jwks/messages')
  messageKeys() {
    return this.signer.publicJwks(MESSAGES_PURPOSE);
  }

  @Post('datasets')
  @HttpCode(201)
  @UseGuards(ParticipantGuard)
  async publish(
    @CurrentParticipant() participant: ParticipantView,
    @Body() body: PublishDatasetDto,
    @Context() context: CommandContext,
  ): Promise<DatasetView> {
    requireRole(participant, 'provider');
    const { datasetId } = await this.commands.execute(
      new PublishDatasetCommand(
        {
          datasetId: body.datasetId,
          providerId: participant.participantId,
          title: body.title,
          description: body.description,
          items: body.items.map(({ name, description }) => ({ name, description })),
          schema: body.schema,
          ...(body.allowedConsumers && { allowedConsumers: body.allowedConsumers }),
        },
        context,
      ),
    );
    const { validatePayload: _compiled, ...view } = (await this.catalogue.dataset(datasetId))!;
    return view;
  }

  /** The datasets the calling consumer may ask consents for. */
  @Get('datasets')
  @UseGuards(ParticipantGuard)
  async datasets(@CurrentParticipant() participant: ParticipantView): Promise<{ datasets: DatasetView[] }> {
    return { datasets: await this.catalogue.datasetsFor(participant.participantId) };
  }

  @Post('consents')
  @HttpCode(201)
  @UseGuards(ParticipantGuard)
  async request(
    @CurrentParticipant() participant: ParticipantView,
    @Body() body: RequestConsentDto,
    @Context() context: CommandContext,
  ): Promise<ConsentStatusView> {
    requireRole(participant, 'consumer');
    const { consentId } = await this.commands.execute(
      new RequestConsentCommand(
        participant.participantId,
        {
          citizenId: body.citizenId,
          datasetId: body.datasetId,
          items: body.items,
          purpose: { code: body.purpose.code, text: body.purpose.text },
          frequency: frequencyOf(body.frequency),
          dataRange: { from: body.dataRange.from, to: body.dataRange.to },
          retentionDays: body.retentionDays,
          ...(body.validFrom !== undefined && { validFrom: body.validFrom }),
          expiresAt: body.expiresAt,
        },
        context,
      ),
    );
    return this.consent(participant, consentId);
  }

  /** For the consent's consumer and provider: its status and, once approved, its signed artefact. */
  @Get('consents/:consentId')
  @UseGuards(ParticipantGuard)
  async consent(
    @CurrentParticipant() participant: ParticipantView,
    @ConsentIdParam() consentId: string,
  ): Promise<ConsentStatusView> {
    const { state } = await this.aggregates.load(consentStream(consentId), consent);
    const party = (id: string) => id === participant.participantId;
    if (state.status === 'NONE' || !(party(state.terms.consumerId) || party(state.terms.providerId))) {
      throw consentNotFound(consentId);
    }
    return {
      consentId,
      status: state.status,
      terms: state.terms,
      ...(state.artefact !== undefined && { artefact: state.artefact }),
    };
  }

  @Post('consents/:consentId/exchanges')
  @HttpCode(200)
  @UseGuards(ParticipantGuard)
  exchange(
    @CurrentParticipant() participant: ParticipantView,
    @ConsentIdParam() consentId: string,
    @Body() body: ExchangeDto,
    @Context() context: CommandContext,
  ): Promise<DeliveredExchange> {
    requireRole(participant, 'consumer');
    return this.commands.execute(
      new ExchangeDataCommand(participant.participantId, askOf(consentId, body), context),
    );
  }

  /**
   * Up to 100 exchanges in one request, each exactly as it would be alone (consent checked, provider called,
   * payload checked, `DataExchanged` or `ExchangeRefused` written) and answered on its own, in the order sent:
   * one refused item leaves the others delivered. Items under the same consent run one after the other, as
   * separate requests would, rather than racing for its stream.
   */
  @Post('exchanges')
  @HttpCode(200)
  @UseGuards(ParticipantGuard)
  async exchangeMany(
    @CurrentParticipant() participant: ParticipantView,
    @Body() body: ExchangeBatchDto,
    @Context() context: CommandContext,
  ): Promise<{ results: ExchangeOutcome[] }> {
    requireRole(participant, 'consumer');
    const lastUnder = new Map<string, Promise<unknown>>();
    const outcomes = body.exchanges.map((item) => {
      const consentId = item.consentId.toLowerCase();
      const outcome = (lastUnder.get(consentId) ?? Promise.resolve()).then(() =>
        this.exchangeItem(participant.participantId, consentId, item, context),
      );
      lastUnder.set(consentId, outcome);
      return outcome;
    });
    return { results: await Promise.all(outcomes) };
  }

  private async exchangeItem(
    consumerId: string,
    consentId: string,
    item: ExchangeItemDto,
    context: CommandContext,
  ): Promise<ExchangeOutcome> {
    try {
      const exchange = await this.commands.execute(
        new ExchangeDataCommand(consumerId, askOf(consentId, item), context),
      );
      return { consentId, status: 200, exchange };
    } catch (error) {
      const problem = toProblem(error);
      // As the problem filter does for a whole request: the error's class, never its message or the item.
      if (problem.status >= 500)
        this.logger.error(`POST /gateway/exchanges item failed with ${errorName(error)}`);
      return { consentId, status: problem.status, problem };
    }
  }
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
