import { Body, Controller, Get, Header, HttpCode, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AggregateStore, CLOCK, Context, type Clock, type CommandContext } from '#libs/eventsourcing';
import { DeviceSignedRequests } from '#libs/identity';
import { Inject } from '@nestjs/common';
import {
  ChangeConsentCommand,
  DecideConsentCommand,
  type ConsentOutcome,
} from '../commands/citizen-consent.commands.js';
import { consentReadingPayload, type ConsentChange } from '../domain/app-payloads.js';

const CONSENT_CHANGES = { pause: 'pause', resume: 'resume', revoke: 'revoke' } as const;
import { consentReceipt } from '../domain/consent-receipt.js';
import { termsHash, type ConsentTerms } from '../domain/consent-terms.js';
import { consentNotFound } from '../domain/consent.decide.js';
import { consentStream } from '../domain/consent.events.js';
import { consent, type ConsentStatus } from '../domain/consent.state.js';
import {
  CitizenConsentViews,
  type AccessLogEntry,
  type ConsentView,
} from '../projections/citizen-consent-views.js';
import { ConsentDecisionDto, ConsentSignedDto } from './consent.dto.js';
import { DeviceSignedDto } from '#libs/identity';
import { CitizenIdParam, ConsentIdParam } from './uuid-param.js';

/** A consent request as the app shows it before the citizen decides; `termsHash` is what the device signs. */
export interface ConsentRequestView {
  readonly consentId: string;
  readonly status: ConsentStatus;
  readonly terms: ConsentTerms;
  readonly termsHash: string;
  readonly consumerName: string;
  readonly providerName: string;
  readonly datasetTitle: string;
  readonly receipt: string;
}

/** The citizen's side, from the app: every write and every read signed by the device key. */
@Controller('app')
export class AppConsentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: AggregateStore,
    private readonly views: CitizenConsentViews,
    private readonly devices: DeviceSignedRequests,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The app fetches a consent request it was notified of, by its unguessable id. */
  @Get('consents/:consentId')
  async request(@ConsentIdParam() consentId: string): Promise<ConsentRequestView> {
    const { state } = await this.aggregates.load(consentStream(consentId), consent);
    if (state.status === 'NONE') throw consentNotFound(consentId);
    const parties = await this.views.parties(state.terms);
    return {
      consentId,
      status: state.status,
      terms: state.terms,
      termsHash: termsHash(state.terms),
      ...parties,
      receipt: consentReceipt(state.terms, parties, state.status),
    };
  }

  @Post('consents/:consentId/decision')
  @HttpCode(200)
  decide(
    @ConsentIdParam() consentId: string,
    @Body() body: ConsentDecisionDto,
    @Context() context: CommandContext,
  ): Promise<ConsentOutcome> {
    const { citizenId, deviceId, signature, decision } = body;
    return this.commands.execute(
      new DecideConsentCommand(consentId, { citizenId, deviceId, signature }, decision, {
        ...context,
        actor: `citizen:${citizenId}`,
      }),
    );
  }

  @Post('consents/:consentId/:change')
  @HttpCode(200)
  change(
    @ConsentIdParam() consentId: string,
    @Param('change', new ParseEnumPipe(CONSENT_CHANGES)) change: ConsentChange,
    @Body() body: ConsentSignedDto,
    @Context() context: CommandContext,
  ): Promise<ConsentOutcome> {
    const { citizenId, deviceId, signature } = body;
    return this.commands.execute(
      new ChangeConsentCommand(consentId, { citizenId, deviceId, signature }, change, {
        ...context,
        actor: `citizen:${citizenId}`,
      }),
    );
  }

  @Post('citizens/:citizenId/consents')
  @HttpCode(200)
  async consents(
    @CitizenIdParam() citizenId: string,
    @Body() body: DeviceSignedDto,
  ): Promise<{ consents: ConsentView[] }> {
    await this.devices.verifyActing(
      { citizenId, ...body },
      consentReadingPayload(citizenId, 'consents'),
      this.clock.now(),
    );
    return { consents: await this.views.consents(citizenId) };
  }

  @Post('citizens/:citizenId/access-log')
  @HttpCode(200)
  async accessLog(
    @CitizenIdParam() citizenId: string,
    @Body() body: DeviceSignedDto,
  ): Promise<{ exchanges: AccessLogEntry[] }> {
    await this.devices.verifyActing(
      { citizenId, ...body },
      consentReadingPayload(citizenId, 'access-log'),
      this.clock.now(),
    );
    return { exchanges: await this.views.accessLog(citizenId) };
  }

  @Get('consents/:consentId/receipt')
  @Header('content-type', 'text/plain; charset=utf-8')
  async receipt(@ConsentIdParam() consentId: string): Promise<string> {
    return (await this.request(consentId)).receipt;
  }
}
