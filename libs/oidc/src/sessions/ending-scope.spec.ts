import { describe, expect, it } from '@jest/globals';
import { endingScopeOf } from './ending-scope.js';

const nobody = () => undefined;

describe('what each fact ends', () => {
  it('a lost device: the grants that device approved until then', () => {
    expect(
      endingScopeOf(
        {
          type: 'DeviceRevoked',
          data: { citizenId: 'c1', deviceId: 'd1', reason: 'lost', revokedAt: '2026-01-01T00:00:00Z' },
        },
        nobody,
      ),
    ).toEqual({
      reason: 'device-lost',
      citizenId: 'c1',
      deviceId: 'd1',
      approvedUntil: '2026-01-01T00:00:00Z',
    });
  });

  it('a replaced device, told apart from a lost one', () => {
    expect(
      endingScopeOf(
        {
          type: 'DeviceRevoked',
          data: { citizenId: 'c1', deviceId: 'd1', reason: 'replaced', revokedAt: 't' },
        },
        nobody,
      ),
    ).toMatchObject({ reason: 'device-replaced' });
  });

  it('a suspended citizen or e-service: everything of theirs approved before the suspension', () => {
    expect(
      endingScopeOf({ type: 'CitizenSuspended', data: { citizenId: 'c1', suspendedAt: 't' } }, nobody),
    ).toEqual({ reason: 'citizen-suspended', citizenId: 'c1', approvedUntil: 't' });
    expect(
      endingScopeOf({ type: 'EServiceSuspended', data: { clientId: 'tax', suspendedAt: 't' } }, nobody),
    ).toEqual({ reason: 'eservice-suspended', clientId: 'tax', approvedUntil: 't' });
  });

  it('a revoked appointment: its holder’s grants for that corporation; nothing for an appointment never seen', () => {
    const event = {
      type: 'AppointmentRevoked',
      data: { corporationId: 'corp', appointmentId: 'a1', reason: 'left', revokedAt: 't' },
    };
    expect(endingScopeOf(event, (id) => (id === 'a1' ? 'c1' : undefined))).toEqual({
      reason: 'appointment-revoked',
      citizenId: 'c1',
      corporationId: 'corp',
      approvedUntil: 't',
    });
    expect(endingScopeOf(event, nobody)).toBeUndefined();
  });

  it('nothing for other facts', () => {
    expect(endingScopeOf({ type: 'CitizenReinstated', data: { citizenId: 'c1' } }, nobody)).toBeUndefined();
  });
});
