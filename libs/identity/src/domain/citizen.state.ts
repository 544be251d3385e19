import type { Evolver } from '#libs/eventsourcing';
import type { AssuranceLevel, CitizenEvent, DevicePublicKey } from './citizen.events.js';

export interface Device {
  readonly deviceId: string;
  readonly publicKey: DevicePublicKey;
  readonly status: 'active' | 'revoked';
}

export interface RegisteredCitizen {
  readonly status: 'active' | 'suspended';
  readonly citizenId: string;
  readonly assuranceLevel: AssuranceLevel;
  /** Every device ever enrolled, revoked ones included: a revoked key must stay recognisable to be refused. */
  readonly devices: readonly Device[];
  /** Holds the platform's administrator role. */
  readonly administrator: boolean;
}

export type Citizen = { readonly status: 'unregistered' } | RegisteredCitizen;

/**
 * The profile is sealed personal data that no decision reads: not loaded, and passed over when the store folds
 * in the events a decision just made.
 */
export const citizen: Evolver<Citizen, CitizenEvent> = {
  eventTypes: [
    'CitizenRegistered',
    'DeviceEnrolled',
    'DeviceRevoked',
    'IdentityVerified',
    'CitizenSuspended',
    'CitizenReinstated',
    'AdministratorRoleGranted',
    'AdministratorRoleRevoked',
  ],
  initialState: () => ({ status: 'unregistered' }),
  evolve(state, event) {
    if (event.type === 'CitizenRegistered') {
      return {
        status: 'active',
        citizenId: event.data.citizenId,
        assuranceLevel: event.data.assuranceLevel,
        devices: [],
        administrator: false,
      };
    }
    if (state.status === 'unregistered') return state;
    switch (event.type) {
      case 'DeviceEnrolled': {
        const { deviceId, publicKey } = event.data;
        return { ...state, devices: [...state.devices, { deviceId, publicKey, status: 'active' }] };
      }
      case 'DeviceRevoked':
        return {
          ...state,
          devices: state.devices.map((d) =>
            d.deviceId === event.data.deviceId ? { ...d, status: 'revoked' } : d,
          ),
        };
      case 'IdentityVerified':
        return { ...state, assuranceLevel: event.data.assuranceLevel };
      case 'CitizenSuspended':
        return { ...state, status: 'suspended' };
      case 'CitizenReinstated':
        return { ...state, status: 'active' };
      case 'AdministratorRoleGranted':
        return { ...state, administrator: true };
      case 'AdministratorRoleRevoked':
        return { ...state, administrator: false };
      case 'ProfileUpdated':
        return state;
    }
  },
};

export const activeDeviceOf = (state: RegisteredCitizen): Device | undefined =>
  state.devices.find((d) => d.status === 'active');

/** What the HTTP answers of lifecycle commands show: no personal data. */
export interface CitizenSummary {
  readonly citizenId: string;
  readonly status: RegisteredCitizen['status'];
  readonly assuranceLevel: AssuranceLevel;
  /** `null` after the only device was reported lost: an administrator must enrol the next one. */
  readonly activeDeviceId: string | null;
  readonly administrator: boolean;
}

export const summaryOf = (state: RegisteredCitizen): CitizenSummary => ({
  citizenId: state.citizenId,
  status: state.status,
  assuranceLevel: state.assuranceLevel,
  activeDeviceId: activeDeviceOf(state)?.deviceId ?? null,
  administrator: state.administrator,
});
