import type { Evolver } from '#libs/eventsourcing';
import { CITIZEN_EVENT_TYPES, type AssuranceLevel, type CitizenEvent } from './citizen.events.js';

export type Citizen =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'active';
      readonly citizenId: string;
      readonly assuranceLevel: AssuranceLevel;
      readonly devices: readonly string[];
    };

export const citizen: Evolver<Citizen, CitizenEvent> = {
  eventTypes: CITIZEN_EVENT_TYPES,
  initialState: () => ({ status: 'unregistered' }),
  evolve(state, event) {
    switch (event.type) {
      case 'CitizenRegistered':
        return {
          status: 'active',
          citizenId: event.data.citizenId,
          assuranceLevel: event.data.assuranceLevel,
          devices: [],
        };
      case 'DeviceEnrolled':
        return state.status === 'active'
          ? { ...state, devices: [...state.devices, event.data.deviceId] }
          : state;
    }
  },
};
