import { createHash, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { JsonObject } from '#libs/event-store';
import {
  AggregateStore,
  CLOCK,
  PlatformSigner,
  type Clock,
  type CommandContext,
  type LoadedAggregate,
} from '#libs/eventsourcing';
import { CONSENT_OPTIONS, type ConsentOptions } from '../consent.options.js';
import { EXCHANGE_REQUEST_TYP, MESSAGES_PURPOSE } from '../domain/consent-artefact.js';
import {
  consentNotFound,
  decideConsent,
  exchangeRefused,
  type ExchangeRefusal,
  type ExchangeRequest,
  type RecordExchange,
} from '../domain/consent.decide.js';
import { consentStream, type ConsentEvent } from '../domain/consent.events.js';
import { consent, type Consent, type RequestedConsent } from '../domain/consent.state.js';
import { callProvider, providerFailed, type ProviderFailure } from '../exchange/provider-client.js';
import { ConsentCatalogue, type CataloguedDataset } from '../projections/consent-catalogue.js';
import { ExchangeDataCommand, type DeliveredExchange, type ExchangeAsk } from './exchange-data.command.js';

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * The consent is checked (a refusal is written and answered), the provider called, its payload checked against
 * the dataset's schema and the items asked, and the outcome written after a second check of the consent, which
 * may have been revoked while the provider answered: the stream is read once, and the outcome appended expecting
 * the revision read, so any change meanwhile makes it read again and decide on the fresh state. The payload passes through: only its hash and size are kept.
 */
@CommandHandler(ExchangeDataCommand)
export class ExchangeDataHandler implements ICommandHandler<ExchangeDataCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly catalogue: ConsentCatalogue,
    private readonly signer: PlatformSigner,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    consumerId,
    ask,
    context: requestContext,
  }: ExchangeDataCommand): Promise<DeliveredExchange> {
    // Never replayed from an Idempotency-Key: the payload a replay would have to answer is not kept.
    const { idempotency: _ignored, ...context } = requestContext;
    const stream = consentStream(ask.consentId);
    const exchangeId = randomUUID();
    // Read once: the outcome is appended expecting this revision, so a revocation meanwhile is still caught.
    const loaded = await this.aggregates.load(stream, consent);
    const attempt = await this.aggregates.handle(
      stream,
      consent,
      (state) => {
        if (state.status === 'NONE') throw consentNotFound(ask.consentId);
        return decideConsent(
          { type: 'AttemptExchange', request: requestOf(exchangeId, consumerId, ask, state) },
          state,
          this.clock.now(),
        );
      },
      context,
      loaded,
    );
    const state = attempt.state as RequestedConsent;
    const refusal = refusalIn(attempt.events);
    if (refusal) throw exchangeRefused(refusal, ask.consentId);

    const request = requestOf(exchangeId, consumerId, ask, state);
    const items = [...(ask.items ?? state.terms.items)];
    const dataRange = ask.dataRange ?? state.terms.dataRange;
    const dataset = await this.catalogue.dataset(state.terms.datasetId);
    const provider = await this.catalogue.participant(state.terms.providerId);
    const now = this.clock.now();
    const signedRequest = await this.signer.sign(MESSAGES_PURPOSE, EXCHANGE_REQUEST_TYP, {
      iss: this.options.gatewayUrl,
      aud: state.terms.providerId,
      iat: Math.floor(now.getTime() / 1000),
      exp: Math.floor(now.getTime() / 1000) + 60,
      jti: exchangeId,
      exchangeId,
      consentId: ask.consentId,
      citizenId: state.terms.citizenId,
      datasetId: state.terms.datasetId,
      items,
      dataRange,
    });
    const answer = await callProvider(
      provider?.endpoint ?? 'http://invalid.invalid/',
      { request: signedRequest, artefact: state.artefact },
      {
        timeoutMs: this.options.providerTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBytes: this.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      },
    );
    const checked = answer.ok ? checkPayload(answer.body, dataset, items) : answer;
    const payloadHash = checked.ok ? sha256(checked.body) : undefined;
    const result: RecordExchange['result'] = checked.ok
      ? { kind: 'delivered', payloadHash: payloadHash!, payloadSize: checked.body.byteLength }
      : { kind: 'failed', reason: checked.reason };
    const recorded = await this.record(stream, request, result, context, loaded);
    const refusedLate = refusalIn(recorded);
    if (refusedLate) throw exchangeRefused(refusedLate, ask.consentId);
    if (!checked.ok) throw providerFailed(checked.reason);
    return {
      exchangeId,
      consentId: ask.consentId,
      datasetId: state.terms.datasetId,
      items,
      payloadHash: payloadHash!,
      payloadSize: checked.body.byteLength,
      payload: checked.payload,
    };
  }

  private async record(
    stream: string,
    request: ExchangeRequest,
    result: RecordExchange['result'],
    context: CommandContext,
    loaded: LoadedAggregate<Consent>,
  ): Promise<readonly ConsentEvent[]> {
    const { events } = await this.aggregates.handle(
      stream,
      consent,
      (state) => decideConsent({ type: 'RecordExchange', request, result }, state, this.clock.now()),
      context,
      loaded,
    );
    return events;
  }
}

type CheckedPayload =
  | { readonly ok: true; readonly body: Buffer; readonly payload: JsonObject }
  | { readonly ok: false; readonly reason: ProviderFailure };

/** A JSON object matching the dataset's schema, with no member beyond the items asked for. */
function checkPayload(
  body: Buffer,
  dataset: CataloguedDataset | undefined,
  items: readonly string[],
): CheckedPayload {
  const invalid = { ok: false, reason: 'PROVIDER_PAYLOAD_INVALID' } as const;
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid;
  }
  if (!dataset || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return invalid;
  if (Object.keys(payload).some((member) => !items.includes(member))) return invalid;
  if (!dataset.validatePayload(payload)) return invalid;
  return { ok: true, body, payload: payload as JsonObject };
}

function requestOf(
  exchangeId: string,
  consumerId: string,
  ask: ExchangeAsk,
  state: RequestedConsent,
): ExchangeRequest {
  return {
    exchangeId,
    consumerId,
    datasetId: ask.datasetId ?? state.terms.datasetId,
    ...(ask.items && { items: ask.items }),
    ...(ask.dataRange && { dataRange: ask.dataRange }),
  };
}

const refusalIn = (events: readonly ConsentEvent[]): ExchangeRefusal | undefined =>
  events.find((e) => e.type === 'ExchangeRefused')?.data.reason as ExchangeRefusal | undefined;

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('base64url');
