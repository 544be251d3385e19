import { DomainError } from '#libs/errors';
import type { SealedFields } from '#libs/eventsourcing';
import type {
  CitizenEvent,
  ContactDetails,
  DeviceRevocationReason,
  DeviceRevoked,
  PersonalData,
  ReinstatementReason,
  SuspensionReason,
} from './citizen.events.js';
import { activeDeviceOf, type Citizen, type Device, type RegisteredCitizen } from './citizen.state.js';
import type { DeviceKey } from './device-key.js';

export interface RegisterCitizen {
  readonly type: 'RegisterCitizen';
  readonly citizenId: string;
  readonly personal: SealedFields<PersonalData>;
  readonly device: DeviceKey;
}

/**
 * A new phone replaces the active one. `signedBy` is the active device that authorised it; an administrator
 * enrols without one after checking the citizen's identity in person (the old phone may be lost).
 */
export interface EnrolDevice {
  readonly type: 'EnrolDevice';
  readonly citizenId: string;
  readonly device: DeviceKey;
  readonly signedBy?: string;
}

/** Reported from the device itself (`signedBy`), or to an administrator on the citizen's behalf. */
export interface ReportDeviceLost {
  readonly type: 'ReportDeviceLost';
  readonly citizenId: string;
  readonly deviceId: string;
  readonly signedBy?: string;
}

export interface UpdateProfile {
  readonly type: 'UpdateProfile';
  readonly citizenId: string;
  readonly profile: Partial<SealedFields<ContactDetails>>;
  readonly signedBy: string;
}

export interface VerifyIdentity {
  readonly type: 'VerifyIdentity';
  readonly citizenId: string;
}

export interface SuspendCitizen {
  readonly type: 'SuspendCitizen';
  readonly citizenId: string;
  readonly reason: SuspensionReason;
}

export interface ReinstateCitizen {
  readonly type: 'ReinstateCitizen';
  readonly citizenId: string;
  readonly reason: ReinstatementReason;
}

export interface GrantAdministratorRole {
  readonly type: 'GrantAdministratorRole';
  readonly citizenId: string;
}

export interface RevokeAdministratorRole {
  readonly type: 'RevokeAdministratorRole';
  readonly citizenId: string;
}

/** Every command on a registered citizen. */
export type CitizenChange =
  | EnrolDevice
  | ReportDeviceLost
  | UpdateProfile
  | VerifyIdentity
  | SuspendCitizen
  | ReinstateCitizen
  | GrantAdministratorRole
  | RevokeAdministratorRole;

export type CitizenCommand = RegisterCitizen | CitizenChange;

export function decideCitizen(command: CitizenCommand, state: Citizen, now: Date): CitizenEvent[] {
  const at = now.toISOString();
  if (command.type === 'RegisterCitizen') {
    if (state.status !== 'unregistered') {
      throw new DomainError(
        'CITIZEN_ALREADY_REGISTERED',
        `citizen ${command.citizenId} is already registered`,
        409,
      );
    }
    return [
      {
        type: 'CitizenRegistered',
        data: {
          citizenId: command.citizenId,
          personal: command.personal,
          assuranceLevel: 'basic',
          registeredAt: at,
        },
      },
      { type: 'DeviceEnrolled', data: { citizenId: command.citizenId, ...command.device, enrolledAt: at } },
    ];
  }

  const current = registeredCitizen(state, command.citizenId);
  const { citizenId } = current;
  switch (command.type) {
    case 'EnrolDevice': {
      if (command.signedBy !== undefined) assertDeviceMayAct(current, command.signedBy);
      assertNotSuspended(current);
      if (current.devices.some((d) => d.deviceId === command.device.deviceId)) {
        throw new DomainError(
          'DEVICE_ALREADY_ENROLLED',
          'this device key was already enrolled for this citizen; a new device needs a new key',
          409,
        );
      }
      const previous = activeDeviceOf(current);
      return [
        ...(previous ? [revocation(current, previous, 'replaced', at)] : []),
        { type: 'DeviceEnrolled', data: { citizenId, ...command.device, enrolledAt: at } },
      ];
    }
    case 'ReportDeviceLost': {
      if (command.signedBy !== undefined) assertDeviceMayAct(current, command.signedBy);
      const device = current.devices.find((d) => d.deviceId === command.deviceId);
      if (!device) {
        throw new DomainError(
          'DEVICE_NOT_FOUND',
          `citizen ${citizenId} has no device ${command.deviceId}`,
          404,
        );
      }
      if (device.status === 'revoked') {
        throw new DomainError('DEVICE_ALREADY_REVOKED', `device ${device.deviceId} is already revoked`, 409);
      }
      return [revocation(current, device, 'lost', at)];
    }
    case 'UpdateProfile':
      assertDeviceMayAct(current, command.signedBy);
      assertNotSuspended(current);
      if (Object.keys(command.profile).length === 0) {
        throw new DomainError(
          'PROFILE_UPDATE_EMPTY',
          'a profile update must change at least one of address, phone, email',
          400,
        );
      }
      return [{ type: 'ProfileUpdated', data: { citizenId, profile: command.profile, updatedAt: at } }];
    case 'VerifyIdentity':
      if (current.assuranceLevel === 'plus') {
        throw new DomainError(
          'IDENTITY_ALREADY_VERIFIED',
          `citizen ${citizenId} is already at the plus level`,
          409,
        );
      }
      return [{ type: 'IdentityVerified', data: { citizenId, assuranceLevel: 'plus', verifiedAt: at } }];
    case 'SuspendCitizen':
      if (current.status === 'suspended') {
        throw new DomainError('CITIZEN_ALREADY_SUSPENDED', `citizen ${citizenId} is already suspended`, 409);
      }
      return [{ type: 'CitizenSuspended', data: { citizenId, reason: command.reason, suspendedAt: at } }];
    case 'ReinstateCitizen':
      if (current.status !== 'suspended') {
        throw new DomainError('CITIZEN_NOT_SUSPENDED', `citizen ${citizenId} is not suspended`, 409);
      }
      return [{ type: 'CitizenReinstated', data: { citizenId, reason: command.reason, reinstatedAt: at } }];
    case 'GrantAdministratorRole':
      assertNotSuspended(current);
      if (current.administrator) {
        throw new DomainError(
          'ADMINISTRATOR_ROLE_ALREADY_GRANTED',
          `citizen ${citizenId} is already an administrator`,
          409,
        );
      }
      return [{ type: 'AdministratorRoleGranted', data: { citizenId, grantedAt: at } }];
    case 'RevokeAdministratorRole':
      if (!current.administrator) {
        throw new DomainError(
          'ADMINISTRATOR_ROLE_NOT_GRANTED',
          `citizen ${citizenId} is not an administrator`,
          409,
        );
      }
      return [{ type: 'AdministratorRoleRevoked', data: { citizenId, revokedAt: at } }];
  }
}

export function registeredCitizen(state: Citizen, citizenId: string): RegisteredCitizen {
  if (state.status === 'unregistered') {
    throw new DomainError('CITIZEN_NOT_FOUND', `no citizen ${citizenId}`, 404);
  }
  return state;
}

/**
 * The device that signed a citizen's request must still be enrolled and active. Checked only after its
 * signature was verified, so that no one without the key learns whether it was revoked.
 */
export function assertDeviceMayAct(state: RegisteredCitizen, deviceId: string): void {
  const device = state.devices.find((d) => d.deviceId === deviceId);
  if (!device) {
    throw new DomainError('DEVICE_NOT_FOUND', `citizen ${state.citizenId} has no device ${deviceId}`, 404);
  }
  if (device.status === 'revoked') {
    throw new DomainError(
      'DEVICE_REVOKED',
      `device ${deviceId} was revoked and can no longer act for citizen ${state.citizenId}`,
      403,
    );
  }
}

export function assertNotSuspended(state: RegisteredCitizen): void {
  if (state.status === 'suspended') {
    throw new DomainError('CITIZEN_SUSPENDED', `citizen ${state.citizenId} is suspended`, 403);
  }
}

function revocation(
  state: RegisteredCitizen,
  device: Device,
  reason: DeviceRevocationReason,
  at: string,
): DeviceRevoked {
  return {
    type: 'DeviceRevoked',
    data: { citizenId: state.citizenId, deviceId: device.deviceId, reason, revokedAt: at },
  };
}
