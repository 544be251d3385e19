import { DomainError } from '#libs/errors';
import type { DomainEvent, Evolver } from '#libs/eventsourcing';

/**
 * One HKID number, one citizen. The claim stream is named by a keyed hash of the number, so the log enforces
 * uniqueness (an append to a new stream) without the number ever appearing in a stream name or event.
 */
export type HkidClaimed = DomainEvent<'HkidClaimed', { citizenId: string; claimedAt: string }>;

export type HkidClaim = { readonly claimedBy: string | undefined };

export const hkidClaim: Evolver<HkidClaim, HkidClaimed> = {
  eventTypes: ['HkidClaimed'],
  initialState: () => ({ claimedBy: undefined }),
  evolve: (state, event) => ({ claimedBy: state.claimedBy ?? event.data.citizenId }),
};

export const hkidClaimStream = (hkidDigest: string): string => `hkidClaim-${hkidDigest}`;

export function decideHkidClaim(state: HkidClaim, citizenId: string, now: Date): HkidClaimed[] {
  if (state.claimedBy === citizenId) return [];
  if (state.claimedBy !== undefined) {
    throw new DomainError(
      'HKID_ALREADY_REGISTERED',
      'a citizen is already registered with this HKID number',
      409,
    );
  }
  return [{ type: 'HkidClaimed', data: { citizenId, claimedAt: now.toISOString() } }];
}
