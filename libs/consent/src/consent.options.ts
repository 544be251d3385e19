export interface ConsentOptions {
  /** The gateway's URL, `$PUBLIC_URL/gateway`: the audience of every participant's token. */
  readonly gatewayUrl: string;
  /** How long the gateway waits for a provider; default 5 s. */
  readonly providerTimeoutMs?: number;
  /** The largest payload a provider may answer, in bytes; default 256 KiB. */
  readonly maxPayloadBytes?: number;
}

export const CONSENT_OPTIONS = Symbol('ConsentOptions');
