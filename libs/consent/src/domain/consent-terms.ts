import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '#libs/event-store';

/** How long each period of a periodic consent lasts: a sliding window over the deliveries made. */
export const PERIODS = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
} as const;
export type Period = keyof typeof PERIODS;

/** How often the consumer may fetch: once, or at most `maxFetches` per sliding `per`. */
export type Frequency = { mode: 'once' } | { mode: 'periodic'; maxFetches: number; per: Period };

/** Dates (`YYYY-MM-DD`) the data may be about, both ends included. */
export type DataRange = { from: string; to: string };

export type Purpose = { code: string; text: string };

/**
 * What the citizen agrees to (after India's Account Aggregator artefact and ISO/IEC TS 27560): who may take what
 * from whom, why, how often, about which dates, how long they may keep it, and from when until when.
 */
export type ConsentTerms = {
  consentId: string;
  citizenId: string;
  consumerId: string;
  providerId: string;
  datasetId: string;
  items: string[];
  purpose: Purpose;
  frequency: Frequency;
  dataRange: DataRange;
  /** How many days the consumer may keep what it fetched. */
  retentionDays: number;
  validFrom: string;
  expiresAt: string;
};

/** The same JSON for the same value whatever the order its members were written in: what hashes are taken of. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What the citizen's device signs to approve: the SHA-256 of the terms' canonical JSON, base64url. */
export function termsHash(terms: ConsentTerms): string {
  return createHash('sha256')
    .update(canonicalJson(terms as unknown as JsonObject))
    .digest('base64url');
}
