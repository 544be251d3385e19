import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson, termsHash } from './consent-terms.js';
import { consentReceipt } from './consent-receipt.js';
import { termsFor } from './consent.testing.js';

describe('the terms the citizen signs', () => {
  it('hash the same whatever order their members were written in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(Object.keys(termsFor()), { minLength: 12, maxLength: 12 }), (order) => {
        const terms = termsFor();
        const reordered = Object.fromEntries(order.map((key) => [key, terms[key as keyof typeof terms]]));
        expect(termsHash(reordered as typeof terms)).toBe(termsHash(terms));
      }),
    );
  });

  it('hash differently when any term changes', () => {
    const base = termsHash(termsFor());
    expect(termsHash(termsFor({ items: ['address'] }))).not.toBe(base);
    expect(termsHash(termsFor({ retentionDays: 31 }))).not.toBe(base);
    expect(termsHash(termsFor({ frequency: { mode: 'once' } }))).not.toBe(base);
  });

  it('serialise canonically: sorted members, no spaces', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 'x' }], a: null })).toBe('{"a":null,"b":[2,{"c":"x","d":1}]}');
  });

  it('read as a receipt in words', () => {
    const receipt = consentReceipt(
      termsFor(),
      {
        consumerName: 'Social Welfare Department',
        providerName: 'Housing Department',
        datasetTitle: 'Proof of address',
      },
      'ACTIVE',
    );
    expect(receipt).toContain(
      'You allow Social Welfare Department to obtain "Proof of address" (address, since)',
    );
    expect(receipt).toContain('at most 2 times per day');
    expect(receipt).toContain('for at most 30 days');
  });
});
