import type { CommandContext } from '#libs/eventsourcing';
import type { AssuranceLevel } from '../domain/citizen.events.js';

/**
 * What the OpenID Provider (libs/oidc) asks of the identity context during a login: start a login request
 * that the citizen approves in the app, then learn how it ended. Implemented in libs/identity.
 */
export interface LoginGateway {
  start(input: StartLogin, context: CommandContext): Promise<StartedLogin>;
  status(loginRequestId: string): Promise<LoginStatus>;
}

export interface StartLogin {
  /** The e-service's OAuth client id. */
  readonly clientId: string;
  readonly eServiceName: string;
  /** The lowest assurance level the e-service accepts: a `basic` citizen cannot approve a `plus` request. */
  readonly minimumAcr: AssuranceLevel;
  /** The claims (see CLAIM_NAMES) the e-service asks the citizen to share; may be empty (login only). */
  readonly claims: readonly ClaimName[];
  /** The `corporate` scope: the citizen picks, in the app, a corporation they act for. */
  readonly corporate?: boolean;
  /** `offline_access` granted: the e-service keeps access (a refresh token) after the citizen leaves it. */
  readonly offlineAccess?: boolean;
}

export interface StartedLogin {
  readonly loginRequestId: string;
  /** 8 characters the citizen can type into the app instead of scanning. */
  readonly shortCode: string;
  /** What the QR code encodes: the app opens it to fetch the request. */
  readonly qrPayload: string;
  readonly expiresAt: string;
}

export type LoginStatus =
  | { readonly state: 'pending'; readonly expiresAt: string }
  | {
      readonly state: 'approved';
      readonly citizenId: string;
      readonly deviceId: string;
      /** The citizen's assurance level when approving. */
      readonly acr: AssuranceLevel;
      /** Exactly the claims the citizen approved for this e-service: the only ones it may receive. */
      readonly approvedClaims: readonly ClaimName[];
      /** With the `corporate` scope: the corporation the citizen chose to act for. */
      readonly actingFor?: ActingFor;
    }
  | { readonly state: 'denied' }
  | { readonly state: 'expired' }
  | { readonly state: 'unknown' };

/** Claims an e-service can ask for ("form filling"). `hkid` needs the `plus` level and an explicit scope. */
export const CLAIM_NAMES = [
  'name',
  'name_zh',
  'birthdate',
  'hkid',
  'address',
  'phone_number',
  'email',
] as const;
export type ClaimName = (typeof CLAIM_NAMES)[number];

/** Opens the personal data behind approved claims, for the ID token and userinfo. */
export interface CitizenClaims {
  claims(citizenId: string, names: readonly ClaimName[]): Promise<Partial<Record<ClaimName, string>>>;
  /** `undefined` for an unknown citizen. Read from the citizen's stream: as of now, never behind. */
  account(citizenId: string): Promise<CitizenAccount | undefined>;
}

export interface CitizenAccount {
  readonly status: 'active' | 'suspended';
  readonly acr: AssuranceLevel;
  /** Holds the platform's administrator role. */
  readonly administrator: boolean;
  /** The devices that may still sign: a login approved by any other device no longer counts. */
  readonly activeDeviceIds: readonly string[];
}

/** A corporation a citizen acts for, with their role there. */
export interface ActingFor {
  readonly corporationId: string;
  readonly name: string;
  readonly role: string;
}

/**
 * Which corporations a citizen may act for at an e-service, at a time: implemented by the Digital Corporate
 * Identity context (libs/corporate), so that this context never depends on it.
 */
export interface CorporateRepresentation {
  actingFor(citizenId: string, clientId: string, corporationId: string, at: Date): ActingFor | undefined;
  /** The same question once every change already acknowledged is taken in: a revocation counts at once. */
  stillActingFor(citizenId: string, clientId: string, corporationId: string, at: Date): Promise<boolean>;
}

export const LOGIN_GATEWAY = Symbol('LoginGateway');
export const CORPORATE_REPRESENTATION = Symbol('CorporateRepresentation');
export const CITIZEN_CLAIMS = Symbol('CitizenClaims');
