/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { EventStore, NewEvent } from '#libs/event-store';
import type { PlatformSigner } from '#libs/eventsourcing';
import { consentDecisionPayload } from '../libs/consent/src/domain/app-payloads.js';
import {
  ARTEFACT_PURPOSE,
  ARTEFACT_TYP,
  artefactOf,
  asJson,
} from '../libs/consent/src/domain/consent-artefact.js';
import { termsHash, type ConsentTerms } from '../libs/consent/src/domain/consent-terms.js';
import { consentStream, type ConsentEvent } from '../libs/consent/src/domain/consent.events.js';

const DAY = 86_400_000;
/** Consents appended while one macrotask runs: the SQLite store commits them in one transaction. */
const CHUNK = 2_000;

/**
 * Time-ordered UUIDs (version 7, RFC 9562) for the ids the seed makes up: a million random keys would land each
 * insert on a different page of every index, so the seed would write most of those pages again for each
 * consent; ordered, they append. The commands' random ids and these are equally valid ids to every reader.
 */
function orderedUuids(): () => string {
  const start = Date.now();
  let count = 0;
  return () => {
    const n = count++;
    const time = (start + Math.floor(n / 4096)).toString(16).padStart(12, '0');
    // A random UUID's last 17 characters: its variant and 62 random bits.
    return `${time.slice(0, 8)}-${time.slice(8)}-7${(n % 4096).toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
  };
}

export interface SeedParties {
  readonly consumerId: string;
  readonly providerId: string;
  readonly datasetId: string;
  readonly items: readonly string[];
}

/**
 * `count` ACTIVE consents, written as the commands write them: `ConsentRequested` (actor: the consumer), then
 * `ConsentApproved` (actor: the citizen) with a real device signature over the terms' hash and the artefact signed
 * by the platform's `consent-artefacts` key. The consents of a chunk are appended without awaiting one another,
 * so the store commits a whole chunk at once, as it does for concurrent requests.
 */
export async function seedActiveConsents(
  store: EventStore,
  signer: PlatformSigner,
  gatewayUrl: string,
  parties: SeedParties,
  count: number,
): Promise<string[]> {
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // The phone's signature, made with node:crypto rather than jose: the same compact ES256 JWS, sooner.
  const deviceSign = (payload: object) => {
    const input = `${b64({ alg: 'ES256' })}.${b64(payload)}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: device.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  };
  const deviceId = 'b'.repeat(43);
  const now = new Date();
  const at = now.toISOString();
  const metadata = (actor: string) => ({
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor,
    occurredAt: at,
    schemaVersion: 1,
  });
  const consentIds: string[] = [];
  const nextConsentId = orderedUuids();
  const nextCitizenId = orderedUuids();
  const nextEventId = orderedUuids();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let reported = 0;
  for (let done = 0; done < count;) {
    const appends: Promise<unknown>[] = [];
    for (const end = Math.min(count, done + CHUNK); done < end; done++) {
      const consentId = nextConsentId();
      consentIds.push(consentId);
      const terms: ConsentTerms = {
        consentId,
        citizenId: nextCitizenId(),
        consumerId: parties.consumerId,
        providerId: parties.providerId,
        datasetId: parties.datasetId,
        items: [...parties.items],
        purpose: { code: 'HOUSING_ALLOWANCE', text: 'Check eligibility for a housing allowance' },
        frequency: { mode: 'periodic', maxFetches: 1000, per: 'day' },
        dataRange: { from: '2020-01-01', to: '2030-12-31' },
        retentionDays: 30,
        validFrom: at,
        expiresAt: new Date(now.getTime() + 365 * DAY).toISOString(),
      };
      const hash = termsHash(terms);
      const approval = {
        deviceId,
        signature: deviceSign({
          ...consentDecisionPayload(consentId, hash, 'approve'),
          iat: Math.floor(now.getTime() / 1000),
        }),
        approvedAt: at,
      };
      const artefact = await signer.sign(
        ARTEFACT_PURPOSE,
        ARTEFACT_TYP,
        asJson(artefactOf(gatewayUrl, terms, hash, approval)),
      );
      const events: ConsentEvent[] = [
        { type: 'ConsentRequested', data: { terms, requestedAt: at } },
        { type: 'ConsentApproved', data: { consentId, deviceId, termsHash: hash, artefact, approvedAt: at } },
      ];
      appends.push(
        store.append(
          consentStream(consentId),
          events.map((event, index): NewEvent => ({
            id: nextEventId(),
            type: event.type,
            data: event.data,
            metadata: metadata(
              index === 0 ? `participant:${parties.consumerId}` : `citizen:${terms.citizenId}`,
            ),
          })),
          { expectedRevision: 'no_stream' },
        ),
      );
    }
    await Promise.all(appends);
    if (done - reported >= 100_000 || done === count) {
      reported = done;
      console.log(`  ${done} consents seeded (${Math.round(done / elapsed())}/s)`);
    }
  }
  console.log(`  ${count} consents seeded in ${elapsed().toFixed(1)} s (${Math.round(count / elapsed())}/s)`);
  return consentIds;
}
