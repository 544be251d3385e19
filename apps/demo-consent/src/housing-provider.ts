import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { checkExchangeRequest, ConsentCheckFailed, type ProviderKeys } from '#libs/consent';

/** How the demo provider behaves: as it should, or as the gateway must survive. */
export type ProviderBehaviour = 'normal' | 'slow' | 'error' | 'invalid-payload' | 'oversize-payload';

export interface HousingProvider {
  readonly url: string;
  behave(behaviour: ProviderBehaviour): void;
  /** How many requests it refused after its own consent check. */
  readonly refusals: number;
  close(): Promise<void>;
}

export interface HousingProviderOptions {
  /** The platform's URL, where the gateway's keys are published. */
  readonly platformUrl: string;
  /** The gateway's keys, when the provider runs beside the platform (demo data) rather than fetching them. */
  readonly keys?: ProviderKeys;
  readonly providerId: string;
  readonly port?: number;
  readonly host?: string;
  /** For `slow`: how long it takes to answer. */
  readonly slowMs?: number;
  readonly now?: () => Date;
}

const DISTRICTS = ['Sha Tin', 'Kwun Tong', 'Tuen Mun', 'Sham Shui Po', 'Wong Tai Sin', 'Tai Po'];

/** The dataset this provider serves, as it publishes it in the gateway's catalogue (under an id of the caller's). */
export const PROOF_OF_ADDRESS = {
  title: 'Proof of address',
  description: 'The public housing flat a citizen rents, and since when',
  items: [
    { name: 'address', description: 'flat, block and estate' },
    { name: 'since', description: 'tenancy start date' },
    { name: 'tenancyType', description: 'public rental or home ownership' },
  ],
  schema: {
    type: 'object',
    properties: {
      address: { type: 'string', maxLength: 500 },
      since: { type: 'string' },
      tenancyType: { type: 'string' },
    },
    additionalProperties: false,
  },
};

/** A tenancy record per citizen, made up from the id: the housing department's data, answered from memory. */
export function tenancyOf(citizenId: string): { address: string; since: string; tenancyType: string } {
  const digest = createHash('sha256').update(citizenId).digest();
  return {
    address: `Flat ${(digest[0]! % 40) + 1}, Block ${String.fromCharCode(65 + (digest[1]! % 8))}, ${DISTRICTS[digest[2]! % DISTRICTS.length]} Estate`,
    since: `20${10 + (digest[3]! % 15)}-0${1 + (digest[4]! % 9)}-1${digest[5]! % 10}`,
    tenancyType: digest[6]! % 2 === 0 ? 'public rental' : 'home ownership',
  };
}

/**
 * The demo data provider (a housing department serving proof of address). Before it releases anything it checks,
 * offline with the gateway's published keys, that the request is the gateway's and that the consent artefact
 * covers it; it answers only the items asked for.
 */
export async function startHousingProvider(options: HousingProviderOptions): Promise<HousingProvider> {
  let behaviour: ProviderBehaviour = 'normal';
  let refusals = 0;
  let keys: Promise<ProviderKeys> | undefined = options.keys && Promise.resolve(options.keys);
  const fetchKeys = async (): Promise<ProviderKeys> => {
    const get = async (path: string) =>
      (await (await fetch(new URL(path, options.platformUrl))).json()) as JSONWebKeySet;
    return { artefacts: await get('/gateway/jwks/artefacts'), messages: await get('/gateway/jwks/messages') };
  };
  const gatewayUrl = `${options.platformUrl}/gateway`;

  const server: Server = createServer((request, response) => {
    void (async () => {
      const answer = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        response.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      };
      try {
        const body = JSON.parse(await readBody(request)) as { request?: unknown; artefact?: unknown };
        keys ??= fetchKeys();
        const { request: asked } = await checkExchangeRequest(body, {
          providerId: options.providerId,
          gatewayUrl,
          keys: await keys,
          ...(options.now && { now: options.now() }),
        });
        const citizenId = (asked as unknown as { citizenId: string }).citizenId;
        const record = tenancyOf(citizenId) as Record<string, string>;
        const payload = Object.fromEntries(asked.items.map((item) => [item, record[item]]));
        switch (behaviour) {
          case 'slow':
            await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 10_000));
            return answer(200, payload);
          case 'error':
            return answer(500, { error: 'internal' });
          case 'invalid-payload':
            return answer(200, { ...payload, address: 42 });
          case 'oversize-payload':
            return answer(200, { address: 'x'.repeat(1024 * 1024) });
          case 'normal':
            return answer(200, payload);
        }
      } catch (error) {
        if (error instanceof ConsentCheckFailed) {
          refusals++;
          return answer(403, { error: 'consent_check_failed', reason: error.reason });
        }
        return answer(400, { error: 'bad_request' });
      }
    })();
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/exchange`,
    behave: (next) => (behaviour = next),
    get refusals() {
      return refusals;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
