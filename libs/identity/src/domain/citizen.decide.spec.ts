import { describe, expect, it } from '@jest/globals';
import type { SealedFields } from '#libs/eventsourcing';
import { decideCitizen, type RegisterCitizen } from './citizen.decide.js';
import type { CitizenEvent, PersonalData } from './citizen.events.js';
import { citizen } from './citizen.state.js';
import { decideHkidClaim, hkidClaim } from './hkid-claim.js';

const now = new Date('2026-05-01T09:00:00.000Z');
const personal = {
  nameEn: 'pii:v1:a',
  nameZh: 'pii:v1:b',
  hkid: 'pii:v1:c',
  dateOfBirth: 'pii:v1:d',
} as SealedFields<PersonalData>;
const publicKey = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' };
const register: RegisterCitizen = {
  type: 'RegisterCitizen',
  citizenId: 'c-1',
  personal,
  device: { deviceId: 'd-1', publicKey },
};

const given = (events: CitizenEvent[]) => events.reduce(citizen.evolve, citizen.initialState());

describe('RegisterCitizen', () => {
  it('registers at basic assurance and enrols the device', () => {
    expect(decideCitizen(register, given([]), now)).toEqual([
      {
        type: 'CitizenRegistered',
        data: {
          citizenId: 'c-1',
          personal,
          assuranceLevel: 'basic',
          registeredAt: '2026-05-01T09:00:00.000Z',
        },
      },
      {
        type: 'DeviceEnrolled',
        data: { citizenId: 'c-1', deviceId: 'd-1', publicKey, enrolledAt: '2026-05-01T09:00:00.000Z' },
      },
    ]);
  });

  it('refuses to register the same citizen twice', () => {
    const registered = given(decideCitizen(register, given([]), now));
    expect(registered).toEqual({
      status: 'active',
      citizenId: 'c-1',
      assuranceLevel: 'basic',
      devices: ['d-1'],
    });
    expect(() => decideCitizen(register, registered, now)).toThrow(
      expect.objectContaining({ code: 'CITIZEN_ALREADY_REGISTERED', status: 409 }),
    );
  });
});

describe('HKID claim', () => {
  const claimed = (by: string) =>
    hkidClaim.evolve(hkidClaim.initialState(), decideHkidClaim(hkidClaim.initialState(), by, now)[0]!);

  it('claims a free number for the citizen', () => {
    expect(decideHkidClaim(hkidClaim.initialState(), 'c-1', now)).toEqual([
      { type: 'HkidClaimed', data: { citizenId: 'c-1', claimedAt: '2026-05-01T09:00:00.000Z' } },
    ]);
  });

  it('is a no-op for the citizen who holds it, and a 409 for anyone else', () => {
    expect(decideHkidClaim(claimed('c-1'), 'c-1', now)).toEqual([]);
    expect(() => decideHkidClaim(claimed('c-1'), 'c-2', now)).toThrow(
      expect.objectContaining({ code: 'HKID_ALREADY_REGISTERED', status: 409 }),
    );
  });
});
