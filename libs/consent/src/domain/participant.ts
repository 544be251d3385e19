import { DomainError } from '#libs/errors';
import type { DomainEvent, Evolver } from '#libs/eventsourcing';
import type { ClientJwks } from '#libs/oidc';

export const PARTICIPANT_ROLES = ['provider', 'consumer'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/**
 * A department or organisation on the gateway: a provider serves data at `endpoint`, a consumer asks for it;
 * both authenticate with JWTs signed by a key of `jwks`, and hear of consent changes at `webhookUrl`.
 */
export type ParticipantRegistration = {
  participantId: string;
  name: string;
  department: string;
  roles: ParticipantRole[];
  endpoint?: string;
  webhookUrl?: string;
  jwks: ClientJwks;
};

export type ParticipantRegistered = DomainEvent<
  'ParticipantRegistered',
  ParticipantRegistration & { registeredAt: string }
>;
export type ParticipantEvent = ParticipantRegistered;
export const PARTICIPANT_EVENT_TYPES = ['ParticipantRegistered'] as const;

export const participantStream = (participantId: string): string => `participant-${participantId}`;

export type Participant =
  { readonly status: 'unregistered' } | ({ readonly status: 'active' } & ParticipantRegistration);

export const participant: Evolver<Participant, ParticipantEvent> = {
  eventTypes: PARTICIPANT_EVENT_TYPES,
  initialState: () => ({ status: 'unregistered' }),
  evolve: (_state, event) => {
    const { registeredAt: _at, ...registration } = event.data;
    return { status: 'active', ...registration };
  },
};

export function decideParticipant(
  registration: ParticipantRegistration,
  state: Participant,
  now: Date,
): ParticipantEvent[] {
  if (state.status !== 'unregistered') {
    throw new DomainError(
      'PARTICIPANT_ALREADY_REGISTERED',
      `participant ${registration.participantId} is already registered`,
      409,
    );
  }
  if (registration.roles.includes('provider') && registration.endpoint === undefined) {
    throw new DomainError(
      'PARTICIPANT_ENDPOINT_REQUIRED',
      'a provider needs the endpoint its data is fetched from',
      400,
    );
  }
  return [{ type: 'ParticipantRegistered', data: { ...registration, registeredAt: now.toISOString() } }];
}
