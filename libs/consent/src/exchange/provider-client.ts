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

/** One POST to a provider's endpoint, with a deadline and a size limit on what is read back. */
export async function callProvider(
  endpoint: string,
  body: object,
  limits: { readonly timeoutMs: number; readonly maxBytes: number },
): Promise<ProviderAnswer> {
  let response: Response;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
      redirect: 'error',
    });
  } catch {
    return { ok: false, reason: signal.aborted ? 'PROVIDER_TIMEOUT' : 'PROVIDER_UNAVAILABLE' };
  }
  try {
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: 'PROVIDER_ERROR' };
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > limits.maxBytes) {
      await response.body?.cancel();
      return { ok: false, reason: 'PROVIDER_PAYLOAD_TOO_LARGE' };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > limits.maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: 'PROVIDER_PAYLOAD_TOO_LARGE' };
      }
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { ok: true, body: Buffer.concat(chunks) };
  } catch {
    return { ok: false, reason: signal.aborted ? 'PROVIDER_TIMEOUT' : 'PROVIDER_UNAVAILABLE' };
  }
}
