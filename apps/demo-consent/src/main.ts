/* eslint-disable no-console -- a demo narrates what it does */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsentApp, GatewayError, GatewayParticipant } from '#libs/consent';
import { CitizenApp, checkDigitOf } from '#libs/identity';
import { PROOF_OF_ADDRESS, startHousingProvider } from './housing-provider.js';

/**
 * The whole consented exchange against a running platform: a housing department (provider) and a social welfare
 * office (consumer) join the gateway, a citizen approves a consent in the app, the consumer fetches proof of
 * address, the citizen reads the access log and revokes, the next fetch is refused. Without CITIZEN_ID a
 * simulated phone plays the citizen (a few seconds); with it, the citizen set up in the browser simulator
 * (`/demo/app`) decides there, and the demo waits for them.
 */
const platformUrl = process.env['PLATFORM_URL'] ?? 'http://localhost:3000';
const adminToken =
  process.env['ADMIN_TOKEN'] ??
  readFileSync(join(process.env['DATA_DIR'] ?? 'data', 'admin-token'), 'utf8').trim();
const browserCitizen = process.env['CITIZEN_ID'];
const run = randomBytes(3).toString('hex');
const DAY = 86_400_000;

const step = (text: string) => console.log(`\n▶ ${text}`);

const provider = await startHousingProvider({
  platformUrl,
  providerId: `demo-housing-${run}`,
  port: Number(process.env['DEMO_PROVIDER_PORT'] ?? 0),
});
try {
  const housing = await GatewayParticipant.create(`demo-housing-${run}`, { baseUrl: platformUrl });
  const welfare = await GatewayParticipant.create(`demo-welfare-${run}`, { baseUrl: platformUrl });
  step(
    `registering ${housing.participantId} (provider, at ${provider.url}) and ${welfare.participantId} (consumer)`,
  );
  for (const [participant, name, roles, endpoint] of [
    [housing, 'Housing Department (demo)', ['provider'], provider.url],
    [welfare, 'Social Welfare Department (demo)', ['consumer'], undefined],
  ] as const) {
    const response = await fetch(new URL('/admin/participants', platformUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        participantId: participant.participantId,
        name,
        department: 'DEMO',
        roles,
        endpoint,
        jwks: participant.jwks,
      }),
    });
    if (response.status !== 201)
      throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  }
  const datasetId = `proof-of-address-${run}`;
  await housing.call('POST', '/gateway/datasets', { datasetId, ...PROOF_OF_ADDRESS });
  console.log(`  published dataset ${datasetId}`);

  let citizen: ConsentApp | undefined;
  if (!browserCitizen) {
    step('a citizen sets up the app (simulator: a fresh device key)');
    const phone = await CitizenApp.install({ baseUrl: platformUrl });
    const digits = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
    await phone.register({
      nameEn: 'CHAN, Siu Ming',
      hkid: `Z${digits}(${checkDigitOf('Z', digits)})`,
      dateOfBirth: '1985-07-01',
    });
    citizen = new ConsentApp(phone);
  }
  const citizenId = browserCitizen ?? citizen!.phone.citizenId;
  console.log(`  citizen ${citizenId}`);
  const statusOf = async (consentId: string) =>
    (await welfare.call<{ status: string; artefact?: string }>('GET', `/gateway/consents/${consentId}`))
      .status;
  /** Waits (up to 10 minutes) for the citizen to act in the browser. */
  const awaitStatus = async (consentId: string, wanted: string) => {
    for (let i = 0; i < 600 && (await statusOf(consentId)) !== wanted; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  step('the consumer asks for consent: address and tenancy start, at most twice a day, for 90 days');
  const { consentId } = await welfare.call<{ consentId: string }>('POST', '/gateway/consents', {
    citizenId,
    datasetId,
    items: ['address', 'since'],
    purpose: { code: 'HOUSING_ALLOWANCE', text: 'Assess an application for a housing allowance' },
    frequency: { mode: 'periodic', maxFetches: 2, per: 'day' },
    dataRange: { from: '2015-01-01', to: new Date().toISOString().slice(0, 10) },
    retentionDays: 30,
    expiresAt: new Date(Date.now() + 90 * DAY).toISOString(),
  });
  if (citizen) {
    const shown = await citizen.fetch(consentId);
    console.log(shown.receipt.replace(/^/gm, '  │ '));
    step('the citizen approves in the app (device-signed); the gateway issues the signed artefact');
    await citizen.approve(shown);
  } else {
    step(`approve the request in the app simulator: ${platformUrl}/demo/app (refresh the page)`);
    await awaitStatus(consentId, 'ACTIVE');
  }
  const { artefact } = await welfare.call<{ artefact: string }>('GET', `/gateway/consents/${consentId}`);
  console.log(
    `  artefact (JWS, verifiable with ${platformUrl}/gateway/jwks/artefacts): ${artefact.slice(0, 60)}…`,
  );

  step('the consumer fetches the data through the gateway');
  const delivered = await welfare.call<{ payload: unknown; payloadHash: string }>(
    'POST',
    `/gateway/consents/${consentId}/exchanges`,
    {},
  );
  console.log(
    `  payload: ${JSON.stringify(delivered.payload)} (the log keeps only its hash ${delivered.payloadHash})`,
  );

  if (citizen) {
    step('the citizen reads the access log in the app, and revokes');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const entry of await citizen.accessLog()) {
      console.log(
        `  ${entry.at}  ${entry.consumerId} took ${entry.items.join(', ')} from ${entry.providerId}: ${entry.outcome}`,
      );
    }
    console.log(`  status: ${(await citizen.change(consentId, 'revoke')).status}`);
  } else {
    step(`see who accessed the data in ${platformUrl}/demo/app, then revoke the consent there`);
    await awaitStatus(consentId, 'REVOKED');
  }

  step('the consumer tries again');
  try {
    await welfare.call('POST', `/gateway/consents/${consentId}/exchanges`, {});
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    console.log(`  refused: ${error.status} ${error.problem.code}`);
  }
} finally {
  await provider.close();
}
