import type { Evolver, SealedFields } from '#libs/eventsourcing';
import type { CitizenRegistered, ContactDetails, PersonalData, ProfileUpdated } from './citizen.events.js';

/** The citizen's sealed personal data as it stands: what the claims of a login are opened from. */
export interface CitizenRecord {
  readonly personal: SealedFields<PersonalData> | undefined;
  readonly contact: Partial<SealedFields<ContactDetails>>;
}

export const citizenRecord: Evolver<CitizenRecord, CitizenRegistered | ProfileUpdated> = {
  eventTypes: ['CitizenRegistered', 'ProfileUpdated'],
  initialState: () => ({ personal: undefined, contact: {} }),
  evolve(state, event) {
    switch (event.type) {
      case 'CitizenRegistered':
        return { ...state, personal: event.data.personal };
      case 'ProfileUpdated':
        return { ...state, contact: { ...state.contact, ...event.data.profile } };
    }
  },
};
