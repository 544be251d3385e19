import { DomainError } from '#libs/errors';
import type { SealedFields } from '#libs/eventsourcing';
import type { CitizenEvent, DeviceEnrolled, PersonalData } from './citizen.events.js';
import type { Citizen } from './citizen.state.js';

export interface RegisterCitizen {
  readonly type: 'RegisterCitizen';
  readonly citizenId: string;
  readonly personal: SealedFields<PersonalData>;
  readonly device: { readonly deviceId: string; readonly publicKey: DeviceEnrolled['data']['publicKey'] };
}

export type CitizenCommand = RegisterCitizen;

export function decideCitizen(command: CitizenCommand, state: Citizen, now: Date): CitizenEvent[] {
  switch (command.type) {
    case 'RegisterCitizen': {
      if (state.status !== 'unregistered') {
        throw new DomainError(
          'CITIZEN_ALREADY_REGISTERED',
          `citizen ${command.citizenId} is already registered`,
          409,
        );
      }
      const at = now.toISOString();
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
        {
          type: 'DeviceEnrolled',
          data: { citizenId: command.citizenId, ...command.device, enrolledAt: at },
        },
      ];
    }
  }
}
