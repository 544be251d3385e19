import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AggregateStore, PiiVault, type Sealed } from '#libs/eventsourcing';
import { citizenStream, type ContactDetails, type PersonalData } from '../domain/citizen.events.js';
import { citizenRecord } from '../domain/citizen-record.js';
import { citizen } from '../domain/citizen.state.js';
import { formatHkid, type Hkid } from '../domain/hkid.js';
import type { CitizenAccount, CitizenClaims, ClaimName } from './login-gateway.js';

/** Which sealed field each claim is opened from. */
const CLAIM_FIELDS: Record<ClaimName, keyof PersonalData | keyof ContactDetails> = {
  name: 'nameEn',
  name_zh: 'nameZh',
  birthdate: 'dateOfBirth',
  hkid: 'hkid',
  address: 'address',
  phone_number: 'phone',
  email: 'email',
};

/**
 * Opens only the fields behind the claims asked for. A claim with no value (no Chinese name, a profile detail
 * never given or removed, a citizen whose data was erased) is left out rather than given empty.
 */
@Injectable()
export class CitizenClaimsService implements CitizenClaims {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly vault: PiiVault,
  ) {}

  async claims(citizenId: string, names: readonly ClaimName[]): Promise<Partial<Record<ClaimName, string>>> {
    if (!isUUID(citizenId) || names.length === 0) return {};
    const { state } = await this.aggregates.load(citizenStream(citizenId), citizenRecord);
    if (!state.personal) return {};
    const sealed: Partial<Record<string, Sealed>> = { ...state.personal, ...state.contact };
    const wanted = Object.fromEntries(
      names.flatMap((name) => {
        const field = CLAIM_FIELDS[name];
        const value = sealed[field];
        return value === undefined ? [] : [[field, value]];
      }),
    ) as Record<string, Sealed>;
    const opened = await this.vault.open(citizenId, wanted);
    return Object.fromEntries(
      names.flatMap((name) => {
        const value = opened[CLAIM_FIELDS[name]];
        if (typeof value !== 'string') return [];
        return [[name, name === 'hkid' ? formatHkid(value as Hkid) : value]];
      }),
    );
  }

  async account(citizenId: string): Promise<CitizenAccount | undefined> {
    if (!isUUID(citizenId)) return undefined;
    const { state } = await this.aggregates.load(citizenStream(citizenId), citizen);
    return state.status === 'unregistered'
      ? undefined
      : {
          status: state.status,
          acr: state.assuranceLevel,
          administrator: state.administrator,
          activeDeviceIds: state.devices.filter((d) => d.status === 'active').map((d) => d.deviceId),
        };
  }
}
