import type { ConsentTerms } from './consent-terms.js';
import type { DatasetEntry } from './consent.decide.js';

/** A consent's terms and its dataset as the decision tests use them: change what a case is about. */
export const START = new Date('2026-06-01T09:00:00.000Z');

export const dataset: DatasetEntry = {
  datasetId: 'proof-of-address',
  providerId: 'housing-department',
  items: ['address', 'since', 'tenancy-type'],
};

export const termsFor = (overrides: Partial<ConsentTerms> = {}): ConsentTerms => ({
  consentId: '7d0b2d0e-9a55-4a3c-9a0e-0e3f8b7f4a11',
  citizenId: 'c9e3c1a4-1d8c-4b65-8a8e-6f0f3c2b7e21',
  consumerId: 'social-welfare',
  providerId: 'housing-department',
  datasetId: 'proof-of-address',
  items: ['address', 'since'],
  purpose: { code: 'ELIGIBILITY', text: 'Check eligibility for a housing allowance' },
  frequency: { mode: 'periodic', maxFetches: 2, per: 'day' },
  dataRange: { from: '2025-01-01', to: '2026-05-31' },
  retentionDays: 30,
  validFrom: START.toISOString(),
  expiresAt: new Date(START.getTime() + 30 * 86_400_000).toISOString(),
  ...overrides,
});
