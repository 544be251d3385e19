import { describe, expect, it } from '@jest/globals';
import { dataset, decideDataset, type DatasetPublication } from './dataset.js';
import { decideParticipant, participant, type ParticipantRegistration } from './participant.js';

const now = new Date('2026-06-01T09:00:00.000Z');
const error = (code: string, status: number) => expect.objectContaining({ code, status });

describe('participants', () => {
  const registration: ParticipantRegistration = {
    participantId: 'housing-department',
    name: 'Housing Department',
    department: 'HD',
    roles: ['provider'],
    endpoint: 'https://housing.example/exchange',
    jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
  };

  it('registers a participant once', () => {
    const events = decideParticipant(registration, participant.initialState(), now);
    expect(events).toEqual([
      { type: 'ParticipantRegistered', data: { ...registration, registeredAt: now.toISOString() } },
    ]);
    const registered = participant.evolve(participant.initialState(), events[0]!);
    expect(() => decideParticipant(registration, registered, now)).toThrow(
      error('PARTICIPANT_ALREADY_REGISTERED', 409),
    );
  });

  it('refuses a provider without an endpoint; a consumer needs none', () => {
    const { endpoint: _endpoint, ...withoutEndpoint } = registration;
    expect(() => decideParticipant(withoutEndpoint, participant.initialState(), now)).toThrow(
      error('PARTICIPANT_ENDPOINT_REQUIRED', 400),
    );
    expect(
      decideParticipant({ ...withoutEndpoint, roles: ['consumer'] }, participant.initialState(), now),
    ).toHaveLength(1);
  });
});

describe('datasets', () => {
  const publication: DatasetPublication = {
    datasetId: 'proof-of-address',
    providerId: 'housing-department',
    title: 'Proof of address',
    description: 'address and since when',
    items: [
      { name: 'address', description: 'the flat' },
      { name: 'since', description: 'the date' },
    ],
    schema: { type: 'object' },
  };

  it('publishes a dataset once', () => {
    const events = decideDataset(publication, dataset.initialState(), now);
    expect(events).toEqual([
      { type: 'DatasetPublished', data: { ...publication, publishedAt: now.toISOString() } },
    ]);
    const published = dataset.evolve(dataset.initialState(), events[0]!);
    expect(() => decideDataset(publication, published, now)).toThrow(error('DATASET_ALREADY_PUBLISHED', 409));
  });

  it('refuses a dataset without items, or with an item named twice', () => {
    expect(() => decideDataset({ ...publication, items: [] }, dataset.initialState(), now)).toThrow(
      error('DATASET_ITEMS_INVALID', 400),
    );
    const twice = [...publication.items, { name: 'address', description: 'again' }];
    expect(() => decideDataset({ ...publication, items: twice }, dataset.initialState(), now)).toThrow(
      error('DATASET_ITEMS_INVALID', 400),
    );
  });
});
