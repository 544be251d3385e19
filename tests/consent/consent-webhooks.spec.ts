import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { ConsentExpirySweep, verifyConsentWebhook, type ConsentWebhookNotice } from '#libs/consent';
import { GatewayParticipant } from '../../libs/consent/src/simulator/gateway-participant.js';
import { storageTargets } from '../support/storage-targets.js';
import { eventually } from '../support/eventually.js';
import { startConsentPlatform, type ConsentPlatform } from './consent-platform.js';

const DAY = 86_400_000;

/** A participant's webhook endpoint that fails its first `failures` calls, then takes every body. */
async function startReceiver(failures: number) {
  const bodies: string[] = [];
  let calls = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      calls++;
      if (calls <= failures) {
        response.writeHead(500).end();
        return;
      }
      bodies.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    bodies,
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(storageTargets('consenthooks'))('consent webhooks on %s', (_name, target) => {
  let platform: ConsentPlatform;
  let drop: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tax: GatewayParticipant;

  beforeAll(async () => {
    const created = await target.create();
    drop = created.drop;
    platform = await startConsentPlatform(created.config);
    receiver = await startReceiver(1);
    tax = await GatewayParticipant.create('tax-department', {
      baseUrl: platform.baseUrl,
      clock: platform.clock,
    });
    await platform.registerParticipant(tax, ['consumer'], undefined, receiver.url);
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await platform?.close();
    await drop?.();
  });

  it('tells the consumer of each status change with a signed body, retrying a failed delivery', async () => {
    const citizen = await platform.citizen();
    const { consentId } = await tax.call<{ consentId: string }>('POST', '/gateway/consents', {
      citizenId: citizen.phone.citizenId,
      datasetId: 'proof-of-address',
      items: ['address'],
      purpose: { code: 'TAX_RELIEF', text: 'Check the address for a rates relief' },
      frequency: { mode: 'once' },
      dataRange: { from: '2025-01-01', to: '2025-12-31' },
      retentionDays: 7,
      expiresAt: new Date(platform.clock.now().getTime() + DAY).toISOString(),
    });
    await citizen.approve(await citizen.fetch(consentId));
    // The first attempt fails; the retry is due a second later on the platform's clock.
    await eventually(async () => (receiver.calls >= 1 ? true : undefined));
    expect(receiver.bodies).toEqual([]);
    platform.clock.advance(1000);
    await eventually(async () => (receiver.bodies.length >= 1 ? true : undefined));

    await citizen.change(consentId, 'revoke');
    await eventually(async () => (receiver.bodies.length >= 2 ? true : undefined));

    const messageKeys = (await platform.http.get('/gateway/jwks/messages').expect(200)).body as JSONWebKeySet;
    const verify = (body: string) =>
      verifyConsentWebhook(body, {
        participantId: 'tax-department',
        gatewayUrl: `${platform.baseUrl}/gateway`,
        messageKeys,
      });
    const notices: ConsentWebhookNotice[] = await Promise.all(receiver.bodies.map(verify));
    expect(notices.map((n) => [n.notice.consentId, n.notice.type, n.notice.status])).toEqual([
      [consentId, 'ConsentApproved', 'ACTIVE'],
      [consentId, 'ConsentRevoked', 'REVOKED'],
    ]);
    const tampered = receiver.bodies[0]!.replace(
      /\.[^.]+\./,
      `.${Buffer.from('{"notice":{}}').toString('base64url')}.`,
    );
    await expect(verify(tampered)).rejects.toThrow('not signed by the gateway');
    await expect(
      verifyConsentWebhook(receiver.bodies[0]!, {
        participantId: 'social-welfare',
        gatewayUrl: `${platform.baseUrl}/gateway`,
        messageKeys,
      }),
    ).rejects.toThrow();
  });

  it('the expiry sweep expires a consent nobody used once its time is up, and the consumer hears of it', async () => {
    const citizen = await platform.citizen();
    const { consentId } = await tax.call<{ consentId: string }>('POST', '/gateway/consents', {
      citizenId: citizen.phone.citizenId,
      datasetId: 'proof-of-address',
      items: ['since'],
      purpose: { code: 'TAX_RELIEF', text: 'Check the tenancy start for a rates relief' },
      frequency: { mode: 'once' },
      dataRange: { from: '2025-01-01', to: '2025-12-31' },
      retentionDays: 7,
      expiresAt: new Date(platform.clock.now().getTime() + DAY).toISOString(),
    });
    await citizen.approve(await citizen.fetch(consentId));
    await platform.projected();
    const sweep = platform.app.get(ConsentExpirySweep);
    expect(await sweep.sweep()).toBe(0);
    platform.clock.advance(DAY);
    expect(await sweep.sweep()).toBe(1);
    const messageKeys = (await platform.http.get('/gateway/jwks/messages').expect(200)).body as JSONWebKeySet;
    const notice = await eventually(async () => {
      for (const body of receiver.bodies) {
        const { notice } = await verifyConsentWebhook(body, {
          participantId: 'tax-department',
          gatewayUrl: `${platform.baseUrl}/gateway`,
          messageKeys,
        });
        if (notice.consentId === consentId && notice.type === 'ConsentExpired') return notice;
      }
      return undefined;
    });
    expect(notice.status).toBe('EXPIRED');
    await platform.projected();
    expect(await sweep.sweep()).toBe(0);
  });
});
