import { randomInt } from 'node:crypto';
import { DomainError } from '#libs/errors';
import type { DomainEvent, Evolver } from '#libs/eventsourcing';

/** 32 characters without 0/O and 1/I, which people misread: 5 random bits each, 40 bits a code. */
const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const SHORT_CODE_LENGTH = 8;

const SHORT_CODE = new RegExp(`^[${SHORT_CODE_ALPHABET}]{${SHORT_CODE_LENGTH}}$`);

export function randomShortCode(): string {
  return Array.from(
    { length: SHORT_CODE_LENGTH },
    () => SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)],
  ).join('');
}

/** What the QR code on the e-service's login page encodes; the app reads the short code from it. */
export const QR_PAYLOAD_PREFIX = 'iamsmart://login?code=';

export const qrPayloadOf = (shortCode: string): string => `${QR_PAYLOAD_PREFIX}${shortCode}`;

/** What a person typed, in the canonical form, or `undefined` if it cannot be a short code. */
export function parseShortCode(input: string): string | undefined {
  const code = input.toUpperCase().replaceAll(/[\s-]/g, '');
  return SHORT_CODE.test(code) ? code : undefined;
}

/**
 * Which login request a short code points to. A code is reused only once the request holding it expired, so
 * the log itself guarantees that a code the app types finds exactly one live request, without waiting for a
 * projection.
 */
export type ShortCodeAssigned = DomainEvent<
  'ShortCodeAssigned',
  { loginRequestId: string; expiresAt: string; assignedAt: string }
>;

export type ShortCodeHolder = { readonly loginRequestId: string; readonly expiresAt: string } | undefined;

export const shortCodeHolder: Evolver<ShortCodeHolder, ShortCodeAssigned> = {
  eventTypes: ['ShortCodeAssigned'],
  initialState: () => undefined,
  evolve: (_state, event) => ({
    loginRequestId: event.data.loginRequestId,
    expiresAt: event.data.expiresAt,
  }),
};

export const shortCodeStream = (shortCode: string): string => `loginShortCode-${shortCode}`;

export function decideShortCode(
  holder: ShortCodeHolder,
  loginRequestId: string,
  expiresAt: Date,
  now: Date,
): ShortCodeAssigned[] {
  if (holder?.loginRequestId === loginRequestId) return [];
  if (holder && Date.parse(holder.expiresAt) > now.getTime()) {
    throw new DomainError('SHORT_CODE_IN_USE', 'this short code belongs to a live login request', 409);
  }
  return [
    {
      type: 'ShortCodeAssigned',
      data: { loginRequestId, expiresAt: expiresAt.toISOString(), assignedAt: now.toISOString() },
    },
  ];
}
