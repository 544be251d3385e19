import { describe, expect, it } from '@jest/globals';
import type { JsonObject, RecordedEvent } from '#libs/event-store';
import { Upcasters } from './upcasters.js';

const recorded = (type: string, data: JsonObject, schemaVersion?: number): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  stream: 'citizen-1',
  revision: 0n,
  position: 1n,
  type,
  data,
  metadata: schemaVersion === undefined ? {} : { schemaVersion },
  recordedAt: new Date(0),
});

describe('Upcasters', () => {
  const upcasters = new Upcasters()
    .register('CitizenRegistered', 1, (d) => ({ ...d, names: { en: d['name'] ?? null }, name: null }))
    .register('CitizenRegistered', 2, ({ name: _dropped, ...rest }) => ({ ...rest, assurance: 'basic' }));

  it('lifts a v1 event through every later version, in order', () => {
    const event = upcasters.upcast(recorded('CitizenRegistered', { name: 'CHAN' }));
    expect(event.data).toEqual({ names: { en: 'CHAN' }, assurance: 'basic' });
    expect(event.metadata['schemaVersion']).toBe(3);
  });

  it('starts from the version the event was written with', () => {
    const event = upcasters.upcast(recorded('CitizenRegistered', { names: { en: 'LEE' }, name: null }, 2));
    expect(event.data).toEqual({ names: { en: 'LEE' }, assurance: 'basic' });
  });

  it('leaves current events and other types untouched', () => {
    const current = recorded('CitizenRegistered', { names: {}, assurance: 'plus' }, 3);
    expect(upcasters.upcast(current)).toBe(current);
    const other = recorded('DeviceEnrolled', { a: 1 });
    expect(upcasters.upcast(other)).toBe(other);
  });

  it('knows the version new events are written with', () => {
    expect(upcasters.currentVersion('CitizenRegistered')).toBe(3);
    expect(upcasters.currentVersion('DeviceEnrolled')).toBe(1);
  });

  it('refuses two upcasters for the same step', () => {
    expect(() => new Upcasters().register('A', 1, (d) => d).register('A', 1, (d) => d)).toThrow(
      /already registered/,
    );
  });
});
