import { describe, expect, it } from '@jest/globals';
import type { Appointment, RegisteredCorporation } from './corporation.state.js';
import { actingForAt, representationAt } from './acting-for.js';

const at = (hour: number) => new Date(Date.UTC(2026, 4, 1, hour)).toISOString();
const appointment: Appointment = {
  appointmentId: 'a1',
  citizenId: 'c1',
  validFrom: at(1),
  terms: [{ since: at(1), role: 'user', eservices: ['etax'], validUntil: at(6) }],
};
const corporation = (status: RegisteredCorporation['statusHistory'] = [{ status: 'active', since: at(0) }]) =>
  ({
    corporationId: '12345678',
    nameEn: 'Harbour Trading Limited',
    statusHistory: status,
    appointments: new Map([['a1', appointment]]),
  }) as unknown as RegisteredCorporation;

describe('actingForAt', () => {
  it('offers the corporation to a representative in force for that e-service', () => {
    expect(actingForAt(corporation(), 'c1', 'etax', at(2))).toEqual({
      corporationId: '12345678',
      name: 'Harbour Trading Limited',
      role: 'user',
    });
  });

  it('offers nothing for another e-service, another citizen, outside the window or while suspended', () => {
    expect(actingForAt(corporation(), 'c1', 'housing', at(2))).toBeUndefined();
    expect(actingForAt(corporation(), 'c2', 'etax', at(2))).toBeUndefined();
    expect(actingForAt(corporation(), 'c1', 'etax', at(7))).toBeUndefined();
    const suspended = corporation([
      { status: 'active', since: at(0) },
      { status: 'suspended', since: at(2) },
    ]);
    expect(actingForAt(suspended, 'c1', 'etax', at(3))).toBeUndefined();
  });
});

describe('representationAt', () => {
  it('lists the appointment in force with its terms, and nothing once it ended', () => {
    expect(representationAt(corporation(), 'c1', at(2))).toEqual({
      corporationId: '12345678',
      name: 'Harbour Trading Limited',
      role: 'user',
      eservices: ['etax'],
      validUntil: at(6),
    });
    expect(representationAt(corporation(), 'c1', at(6))).toBeUndefined();
    expect(representationAt(corporation(), 'c1', at(0))).toBeUndefined();
  });
});
