import type { ConsentTerms } from './consent-terms.js';

export interface ReceiptParties {
  readonly consumerName: string;
  readonly providerName: string;
  readonly datasetTitle: string;
}

const day = (iso: string) => iso.slice(0, 10);

function frequencyText(terms: ConsentTerms): string {
  const { frequency } = terms;
  if (frequency.mode === 'once') return 'once';
  return `at most ${frequency.maxFetches} time${frequency.maxFetches === 1 ? '' : 's'} per ${frequency.per}`;
}

/** The consent in words, for the citizen to keep (the human-readable side of the signed artefact). */
export function consentReceipt(terms: ConsentTerms, parties: ReceiptParties, status: string): string {
  return [
    `Consent receipt ${terms.consentId} (${status})`,
    `You allow ${parties.consumerName} to obtain "${parties.datasetTitle}" (${terms.items.join(', ')})`,
    `from ${parties.providerName}, for: ${terms.purpose.text} [${terms.purpose.code}].`,
    `Data about ${terms.dataRange.from} to ${terms.dataRange.to}, fetched ${frequencyText(terms)},`,
    `kept by ${parties.consumerName} for at most ${terms.retentionDays} days.`,
    `Valid from ${day(terms.validFrom)} until ${day(terms.expiresAt)}; you can pause or revoke it at any time in the app.`,
  ].join('\n');
}
