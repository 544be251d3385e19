import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DomainError } from '#libs/errors';

/** Why the provider gave nothing usable: the reason logged, and the problem the consumer gets. */
export const PROVIDER_FAILURES = {
  PROVIDER_UNAVAILABLE: [502, 'the provider could not be reached'],
  PROVIDER_TIMEOUT: [504, 'the provider did not answer in time'],
  PROVIDER_ERROR: [502, 'the provider answered with an error'],
  PROVIDER_PAYLOAD_TOO_LARGE: [502, 'the provider answered a payload over the size limit'],
  PROVIDER_PAYLOAD_INVALID: [
    502,
    "the provider's payload does not match the dataset's schema and the items asked",
  ],
} as const satisfies Record<string, readonly [number, string]>;
export type ProviderFailure = keyof typeof PROVIDER_FAILURES;

export const providerFailed = (reason: ProviderFailure): DomainError =>
  new DomainError(reason, PROVIDER_FAILURES[reason][1], PROVIDER_FAILURES[reason][0]);

export type ProviderAnswer =
  { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: ProviderFailure };

// Kept-alive connections: a provider is called for every exchange, a new TLS or TCP handshake each time would
// cost more than the exchange itself.
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * One POST to a provider's endpoint, with a deadline over the whole exchange (connect, answer, body) and a size
 * limit on what is read back. Never throws: every failure is a reason.
 */
export function callProvider(
  endpoint: string,
  body: object,
  limits: { readonly timeoutMs: number; readonly maxBytes: number },
): Promise<ProviderAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: ProviderAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      settle({ ok: false, reason: 'PROVIDER_UNAVAILABLE' });
      return;
    }
    const text = JSON.stringify(body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      agent: agents[url.protocol as keyof typeof agents],
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'content-length': Buffer.byteLength(text),
      },
    });
    const timer = setTimeout(() => {
      settle({ ok: false, reason: 'PROVIDER_TIMEOUT' });
      request.destroy();
    }, limits.timeoutMs);
    request.on('error', () => settle({ ok: false, reason: 'PROVIDER_UNAVAILABLE' }));
    request.on('response', (response: IncomingMessage) => {
      const refuse = (reason: ProviderFailure) => {
        settle({ ok: false, reason });
        response.destroy();
      };
      if ((response.statusCode ?? 500) < 200 || (response.statusCode ?? 500) >= 300)
        return refuse('PROVIDER_ERROR');
      if (Number(response.headers['content-length'] ?? 0) > limits.maxBytes)
        return refuse('PROVIDER_PAYLOAD_TOO_LARGE');
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) refuse('PROVIDER_PAYLOAD_TOO_LARGE');
        else chunks.push(chunk);
      });
      response.on('end', () => settle({ ok: true, body: Buffer.concat(chunks) }));
      response.on('error', () => settle({ ok: false, reason: 'PROVIDER_UNAVAILABLE' }));
    });
    request.end(text);
  });
}
