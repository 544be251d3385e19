import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { JsonObject } from '#libs/event-store';
import type { LoginDecisionOutcome } from '../commands/decide-login.command.js';
import type { Registration, RegistrationInput } from '../commands/register-citizen.command.js';
import type { ContactDetails } from '../domain/citizen.events.js';
import type { CitizenSummary } from '../domain/citizen.state.js';
import { QR_PAYLOAD_PREFIX } from '../domain/short-code.js';
import {
  enrolDeviceAction,
  loginDecisionPayload,
  registrationPayload,
  signDevicePayload,
  type CitizenAppAction,
} from '../device-signature/signed-payloads.js';
import type { ClaimName } from '../login/login-gateway.js';
import type { PendingLoginRequest } from '../login/login-requests.js';

export interface CitizenAppOptions {
  /** Where the platform listens, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  /** The phone's clock, which dates every signature; the system clock unless a test moves time. */
  readonly clock?: { now(): Date };
}

export interface Person {
  readonly nameEn: string;
  readonly nameZh?: string;
  readonly hkid: string;
  readonly dateOfBirth: string;
}

/** The body of `POST /app/login-requests/{id}/decision`, as the app sends it. */
export interface LoginDecisionBody {
  readonly citizenId: string;
  readonly deviceId: string;
  readonly decision: 'approve' | 'deny';
  readonly approvedClaims: readonly ClaimName[];
  readonly corporationId?: string;
  readonly signature: string;
}

/** A new phone's key and its proof of holding it: the body of `POST /admin/citizens/{id}/devices`. */
export interface KeyProofBody {
  readonly devicePublicKey: JsonObject;
  readonly newDeviceSignature: string;
}

/** The body of `POST /citizens/{id}/devices`: the new phone's key and proof, the current phone's signature. */
export interface EnrolDeviceBody extends KeyProofBody {
  readonly deviceId: string;
  readonly signature: string;
}

/** A refusal from the platform: its HTTP status and problem document. */
export class CitizenAppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly problem: unknown,
  ) {
    super(`the platform answered ${status}${code ? ` ${code}` : ''}`);
    this.name = 'CitizenAppError';
  }
}

/**
 * A citizen's phone running the app, for tests and the demo: it holds the device key pair, made on the phone and
 * never sent, and talks to the platform over HTTP only, so it works against any running platform.
 */
export class CitizenApp {
  private registeredAs: string | undefined;

  private constructor(
    private readonly options: CitizenAppOptions,
    private readonly privateKey: CryptoKey,
    readonly devicePublicKey: JsonObject,
    readonly deviceId: string,
  ) {}

  /** A fresh install: a new ES256 key pair, no citizen yet. */
  static async install(options: CitizenAppOptions): Promise<CitizenApp> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const jwk = { kty: kty!, crv: crv!, x: x!, y: y! };
    return new CitizenApp(options, privateKey, jwk, await calculateJwkThumbprint(jwk, 'sha256'));
  }

  get citizenId(): string {
    if (this.registeredAs === undefined) throw new Error('this app has not registered a citizen yet');
    return this.registeredAs;
  }

  async register(person: Person): Promise<Registration> {
    return this.sendRegistration(await this.signRegistration(person));
  }

  /** The registration, signed by this phone's key as proof that it holds it, without sending it. */
  async signRegistration(person: Person): Promise<RegistrationInput> {
    const request = { ...person, devicePublicKey: this.devicePublicKey };
    return { ...request, deviceProof: await this.sign(registrationPayload(request)) };
  }

  async sendRegistration(body: RegistrationInput): Promise<Registration> {
    const registration = await this.call<Registration>('POST', '/citizens', body);
    this.registeredAs = registration.citizenId;
    return registration;
  }

  /** By the short code the citizen typed, or the payload of the QR code they scanned. */
  fetchLoginRequest(shortCodeOrQrPayload: string): Promise<PendingLoginRequest> {
    const shortCode = shortCodeOrQrPayload.startsWith(QR_PAYLOAD_PREFIX)
      ? shortCodeOrQrPayload.slice(QR_PAYLOAD_PREFIX.length)
      : shortCodeOrQrPayload;
    return this.call('GET', `/app/login-requests/${encodeURIComponent(shortCode)}`);
  }

  /** Shares `claims` (by default all those requested) with the e-service, acting for `corporationId` if given. */
  async approve(
    request: PendingLoginRequest,
    claims: readonly ClaimName[] = request.claims,
    corporationId?: string,
  ): Promise<LoginDecisionOutcome> {
    return this.sendDecision(
      request.loginRequestId,
      await this.signDecision(request, 'approve', claims, corporationId),
    );
  }

  async deny(request: PendingLoginRequest): Promise<LoginDecisionOutcome> {
    return this.sendDecision(request.loginRequestId, await this.signDecision(request, 'deny', []));
  }

  /** The signed decision, without sending it: what a test replays or tampers with. */
  async signDecision(
    request: Pick<PendingLoginRequest, 'loginRequestId' | 'challenge'>,
    decision: 'approve' | 'deny',
    approvedClaims: readonly ClaimName[],
    corporationId?: string,
  ): Promise<LoginDecisionBody> {
    const chosen = corporationId === undefined ? {} : { corporationId };
    const payload = loginDecisionPayload({ ...request, decision, approvedClaims, ...chosen });
    return {
      citizenId: this.citizenId,
      deviceId: this.deviceId,
      decision,
      approvedClaims,
      ...chosen,
      signature: await signDevicePayload(this.privateKey, payload, this.now()),
    };
  }

  sendDecision(loginRequestId: string, body: LoginDecisionBody): Promise<LoginDecisionOutcome> {
    return this.call('POST', `/app/login-requests/${loginRequestId}/decision`, body);
  }

  /** Moves the account to a new phone, which this one authorises; this one is revoked. Answers the new phone. */
  async enrolNewDevice(): Promise<CitizenApp> {
    const next = await CitizenApp.install(this.options);
    await this.call<CitizenSummary>(
      'POST',
      `/citizens/${this.citizenId}/devices`,
      await this.signEnrolment(next),
    );
    next.registeredAs = this.citizenId;
    return next;
  }

  /** The body of `POST /citizens/{id}/devices` moving the account to `next`, signed by both phones. */
  async signEnrolment(next: CitizenApp): Promise<EnrolDeviceBody> {
    const proof = await next.signKeyProof(this.citizenId);
    return {
      ...proof,
      ...(await this.signed(enrolDeviceAction(this.citizenId, proof.devicePublicKey))),
    };
  }

  /**
   * This phone, freshly installed, is enrolled for `citizenId` by an administrator after an in-person check:
   * `send` is the administrator's `POST /admin/citizens/{id}/devices` with the phone's key and proof.
   */
  async enrolAtCounter(citizenId: string, send: (body: KeyProofBody) => Promise<unknown>): Promise<void> {
    await send(await this.signKeyProof(citizenId));
    this.registeredAs = citizenId;
  }

  /** This phone's key, and its signature over the enrolment of that key for `citizenId`: proof that it holds it. */
  async signKeyProof(citizenId: string): Promise<KeyProofBody> {
    const action = enrolDeviceAction(citizenId, this.devicePublicKey);
    return { devicePublicKey: this.devicePublicKey, newDeviceSignature: await this.sign(action) };
  }

  /** This phone's "it is compromised" switch: it will never sign for the citizen again. */
  async reportDeviceLost(): Promise<CitizenSummary> {
    const action = {
      action: 'report-device-lost',
      citizenId: this.citizenId,
      deviceId: this.deviceId,
    } as const;
    const { signature } = await this.signed(action);
    return this.call('POST', `/citizens/${this.citizenId}/devices/${this.deviceId}/lost`, { signature });
  }

  /** Changes the details given; `null` removes one. */
  async updateProfile(profile: Partial<ContactDetails>): Promise<CitizenSummary> {
    const action = { action: 'update-profile', citizenId: this.citizenId, profile } as const;
    return this.call('PATCH', `/citizens/${this.citizenId}/profile`, {
      profile,
      ...(await this.signed(action)),
    });
  }

  /**
   * The citizen's approval of another context's request (e.g. signing for a corporation): the payload signed by
   * this device, with who signs it, as such requests carry it.
   */
  async signRequest(
    payload: JsonObject,
  ): Promise<{ citizenId: string; deviceId: string; signature: string }> {
    return { citizenId: this.citizenId, ...(await this.signed(payload)) };
  }

  /** Calls the platform as the app does: JSON in and out, a refusal thrown as a CitizenAppError. */
  send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.call(method, path, body);
  }

  private async signed(
    payload: CitizenAppAction | JsonObject,
  ): Promise<{ deviceId: string; signature: string }> {
    return { deviceId: this.deviceId, signature: await this.sign(payload) };
  }

  private sign(payload: CitizenAppAction | JsonObject): Promise<string> {
    return signDevicePayload(this.privateKey, payload as JsonObject, this.now());
  }

  private now(): Date {
    return this.options.clock?.now() ?? new Date();
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await (this.options.fetch ?? fetch)(new URL(path, this.options.baseUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const answer: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const code = (answer as { code?: unknown } | undefined)?.code;
      throw new CitizenAppError(response.status, typeof code === 'string' ? code : undefined, answer);
    }
    return answer as T;
  }
}
