import type { RegisteredCorporation } from '../domain/corporation.state.js';

/** A corporation as its administrators see it: its identity, status, appointments and keys, as they stand. */
export function corporationView(corporation: RegisteredCorporation) {
  const { corporationId, brNumber, crNumber, nameEn, nameZh, status, registeredAt } = corporation;
  return {
    corporationId,
    brNumber,
    crNumber,
    nameEn,
    ...(nameZh !== undefined && { nameZh }),
    status,
    registeredAt,
    appointments: [...corporation.appointments.values()].map((a) => {
      const { since: _since, ...term } = a.terms[a.terms.length - 1]!;
      return {
        appointmentId: a.appointmentId,
        citizenId: a.citizenId,
        ...term,
        validFrom: a.validFrom,
        ...(a.revokedAt !== undefined && { revokedAt: a.revokedAt }),
      };
    }),
    keys: [...corporation.keys.values()].map(({ publicJwk: _jwk, ...key }) => key),
  };
}

export type CorporationView = ReturnType<typeof corporationView>;
