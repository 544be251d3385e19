import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ManualClock, type CommandContext } from '#libs/eventsourcing';
import {
  checkDigitOf,
  DecideLoginCommand,
  LoginRequests,
  loginDecisionPayload,
  RegisterCitizenCommand,
  registrationPayload,
  signDevicePayload,
  type ClaimName,
} from '#libs/identity';
import { ChangeCorporationCommand, type CorporationCommand } from '#libs/corporate';
import { demoDepartmentCode, longTailPicker, registeredAfter, seededRandom } from '#libs/metrics';
import { recordProtocolEvent, RegisterEServiceCommand } from '#libs/oidc';
import { DemoConsents, type ConsentFigures } from './demo-consents.js';
import { UsageError } from './eservices-command.js';
import { inParallel } from './in-parallel.js';

export const DEMO_DATA_USAGE = `  demo-data [--citizens 100000] [--eservices 300] [--departments 70] [--days 365]
      [--logins-per-day 300] [--corporations 200] [--consents-per-day 30] [--concurrency 16]
                           write a year of adoption history through the real commands, for the dashboard`;

export interface DemoDataOptions {
  readonly citizens: number;
  readonly eservices: number;
  readonly departments: number;
  readonly days: number;
  readonly loginsPerDay: number;
  /** Each with one representative, a citizen already registered. */
  readonly corporations: number;
  /** Consents asked of citizens a day (half that at the start, growing); 0: none. */
  readonly consentsPerDay: number;
  readonly concurrency: number;
}

export function parseDemoDataCommand(args: readonly string[]): DemoDataOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      citizens: { type: 'string', default: '100000' },
      eservices: { type: 'string', default: '300' },
      departments: { type: 'string', default: '70' },
      days: { type: 'string', default: '365' },
      'logins-per-day': { type: 'string', default: '300' },
      corporations: { type: 'string', default: '200' },
      'consents-per-day': { type: 'string', default: '30' },
      concurrency: { type: 'string', default: '16' },
    },
    strict: true,
  });
  const number = (name: string, value: string, max: number, min = 1) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`--${name} must be a whole number ${min}..${max}`);
    return n;
  };
  const options = {
    citizens: number('citizens', values.citizens, 999_999),
    eservices: number('eservices', values.eservices, 10_000),
    departments: number('departments', values.departments, 676),
    days: number('days', values.days, 1_000),
    loginsPerDay: number('logins-per-day', values['logins-per-day'], 100_000),
    corporations: number('corporations', values.corporations, 99_999),
    consentsPerDay: number('consents-per-day', values['consents-per-day'], 100_000, 0),
    concurrency: number('concurrency', values.concurrency, 256),
  };
  if (options.departments > options.eservices)
    throw new UsageError('--departments cannot exceed --eservices');
  return options;
}

const CLAIMS: readonly ClaimName[] = ['name', 'birthdate', 'email'];
const DAY_MS = 86_400_000;

/**
 * A history written through the platform's own commands (e-service registration, citizen registration, login
 * requests the citizen's device signs, corporations registered with a representative), dated by the injected clock, which walks through the period. The OpenID
 * Provider's token response is the one step not replayed: its TokenIssued / LoginFailed events are recorded with
 * the provider's own `recordProtocolEvent`, as it would have after the code exchange.
 */
export async function runDemoData(
  app: INestApplicationContext,
  clock: ManualClock,
  options: DemoDataOptions,
  print: (line: string) => void,
): Promise<{ readonly consents?: ConsentFigures }> {
  const commands = app.get(CommandBus);
  const logins = app.get(LoginRequests, { strict: false });
  const store = app.get<EventStore>(EVENT_STORE);
  const context = (actor: string): CommandContext => ({
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor,
  });
  const random = seededRandom(2026);
  const started = performance.now();
  const end = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const first = end - (options.days - 1) * DAY_MS;
  clock.set(new Date(first));

  const device = await demoDevice();
  const departments = Array.from({ length: options.departments }, (_, i) => demoDepartmentCode(i));
  const services = Array.from({ length: options.eservices }, (_, i) => ({
    clientId: `demo-service-${i + 1}`,
    name: `Demo e-service ${i + 1}`,
    department: departments[i % departments.length]!,
  }));
  // A fifth of the e-services are registered but never used: adoption is not complete.
  const used = services.filter((_, i) => i % 5 !== 4);
  const pick = longTailPicker(used, random, (rank) => 1 / Math.sqrt(rank + 1));

  await inParallel(services, options.concurrency, async (service) => {
    await commands.execute(
      new RegisterEServiceCommand(
        {
          clientId: service.clientId,
          name: service.name,
          department: service.department,
          redirectUris: [`https://${service.clientId}.demo.invalid/callback`],
          postLogoutRedirectUris: [],
          authMethod: 'private_key_jwt',
          jwks: { keys: [device.rpJwk] },
          allowedScopes: ['openid', 'profile', 'email'],
        },
        context('admin'),
      ),
    );
  });
  print(`${services.length} e-services in ${departments.length} departments registered`);
  const consents =
    options.consentsPerDay > 0
      ? await DemoConsents.open(app, clock, device, random, options.days)
      : undefined;
  try {
    await writeDays();
  } finally {
    await consents?.close();
  }
  if (consents) {
    const f = consents.figures;
    print(
      `consents: ${f.requested} requested, ${f.approved} approved, ${f.rejected} rejected, ${f.revoked} revoked, ` +
        `${f.expired} expired; ${f.exchanges} exchanges, ${f.refusedExchanges} refused`,
    );
  }
  return { ...(consents && { consents: consents.figures }) };

  async function writeDays(): Promise<void> {
    const citizens: string[] = [];
    let corporations = 0;
    let loginCount = 0;
    for (let day = 0; day < options.days; day++) {
      clock.set(new Date(first + day * DAY_MS + 8 * 3_600_000));
      const target = registeredAfter(day, options.days, options.citizens);
      const newcomers = Array.from({ length: target - citizens.length }, (_, i) => citizens.length + i);
      const registered = await inParallel(newcomers, options.concurrency, async (n) => {
        const digits = String(n).padStart(6, '0');
        const request = {
          nameEn: `DEMO, Citizen ${n}`,
          hkid: `D${digits}(${checkDigitOf('D', digits)})`,
          dateOfBirth: '1980-01-01',
          devicePublicKey: device.publicJwk,
        };
        const deviceProof = await signDevicePayload(
          device.privateKey,
          registrationPayload(request),
          clock.now(),
        );
        const { citizenId } = await commands.execute(
          new RegisterCitizenCommand({ ...request, deviceProof }, context('system:demo-data')),
        );
        return citizenId;
      });
      citizens.push(...registered);
      if (citizens.length === 0) continue;
      // Corporations register as citizens do, more every day, each appointing a registered citizen.
      const newCorporations = Array.from(
        { length: registeredAfter(day, options.days, options.corporations) - corporations },
        (_, i) => corporations + i,
      );
      await inParallel(newCorporations, options.concurrency, async (n) => {
        const corporationId = String(90_000_000 + n);
        const change = (command: CorporationCommand) =>
          commands.execute(new ChangeCorporationCommand(command, context('admin')));
        await change({
          type: 'RegisterCorporation',
          corporationId,
          brNumber: corporationId,
          crNumber: String(1_000_000 + n),
          nameEn: `Demo Trading ${n} Limited`,
        });
        await change({
          type: 'AppointRepresentative',
          corporationId,
          appointmentId: randomUUID(),
          citizenId: citizens[Math.floor(random() * citizens.length)]!,
          role: random() < 0.5 ? 'administrator' : 'authorised-signatory',
          eservices: ['*'],
        });
      });
      corporations += newCorporations.length;
      clock.set(new Date(first + day * DAY_MS + 12 * 3_600_000));
      const todays = Math.round(options.loginsPerDay * (0.5 + day / options.days));
      await inParallel(Array.from({ length: todays }), options.concurrency, async () => {
        const service = pick();
        const citizenId = citizens[Math.floor(random() * citizens.length)]!;
        const claims = CLAIMS.filter(() => random() < 0.5);
        const started = await logins.start(
          { clientId: service.clientId, eServiceName: service.name, minimumAcr: 'basic', claims },
          context(`eservice:${service.clientId}`),
        );
        const pending = await logins.pendingByShortCode(started.shortCode);
        const decision = random() < 0.95 ? 'approve' : 'deny';
        const approvedClaims = decision === 'approve' ? claims : [];
        const signature = await signDevicePayload(
          device.privateKey,
          loginDecisionPayload({
            loginRequestId: pending.loginRequestId,
            challenge: pending.challenge,
            decision,
            approvedClaims,
          }),
          clock.now(),
        );
        await commands.execute(
          new DecideLoginCommand(
            {
              loginRequestId: pending.loginRequestId,
              citizenId,
              deviceId: device.deviceId,
              decision,
              approvedClaims,
              signature,
            },
            context(`citizen:${citizenId}`),
          ),
        );
        const at = clock.now().toISOString();
        await recordProtocolEvent(
          store,
          decision === 'approve'
            ? {
                type: 'TokenIssued',
                data: {
                  clientId: service.clientId,
                  citizenId,
                  acr: 'urn:city-identity:acr:basic',
                  claimsReleased: [...approvedClaims],
                  grantType: 'authorization_code',
                  issuedAt: at,
                },
              }
            : {
                type: 'LoginFailed',
                data: { clientId: service.clientId, reason: 'access_denied', failedAt: at },
              },
        );
      });
      loginCount += todays;
      if (consents) {
        clock.set(new Date(first + day * DAY_MS + 15 * 3_600_000));
        const asked = Math.round(options.consentsPerDay * (0.5 + day / options.days));
        await consents.day(citizens, asked, options.concurrency);
      }
      if (day % 10 === 9 || day === options.days - 1) {
        const seconds = (performance.now() - started) / 1000;
        print(
          `day ${day + 1}/${options.days} (${new Date(first + day * DAY_MS).toISOString().slice(0, 10)}): ` +
            `${citizens.length} citizens, ${corporations} corporations, ${loginCount} logins, ` +
            `${consents?.figures.requested ?? 0} consents, ${seconds.toFixed(0)} s`,
        );
      }
    }
  }
}

/**
 * One device key for every demo citizen: generating 100 000 key pairs would be most of the run, and the demo's
 * phones are not what the dashboard is about. Each citizen still proves the key at registration and signs each
 * decision.
 */
async function demoDevice(): Promise<{
  privateKey: CryptoKey;
  publicJwk: Record<string, string>;
  deviceId: string;
  rpJwk: Record<string, string>;
}> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const publicJwk = { kty: kty!, crv: crv!, x: x!, y: y! };
  const rp = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
  const rpJwk = { kty: rp.kty!, crv: rp.crv!, x: rp.x!, y: rp.y!, alg: 'ES256', use: 'sig' };
  return { privateKey, publicJwk, deviceId: await calculateJwkThumbprint(publicJwk, 'sha256'), rpJwk };
}
