import type { ConsentApp } from '#libs/consent';
import { escapeHtml as e } from '#libs/oidc';

export const CONSENT_ACTIONS = ['approve', 'reject', 'pause', 'resume', 'revoke'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

const ACTIONS_IN: Record<string, readonly ConsentAction[]> = {
  PENDING: ['approve', 'reject'],
  ACTIVE: ['pause', 'revoke'],
  PAUSED: ['resume', 'revoke'],
};

/** The simulator's consent screens: each consent with its receipt and what the citizen may do, then the access log. */
export async function consentScreens(app: ConsentApp): Promise<string> {
  let consents;
  let exchanges;
  try {
    [consents, exchanges] = await Promise.all([app.consents(), app.accessLog()]);
  } catch {
    return '<p>Data-sharing consents could not be read.</p>';
  }
  const cards = consents
    .map((consent) => {
      const buttons = (ACTIONS_IN[consent.status] ?? [])
        .map(
          (action) =>
            `<button formaction="/demo/app/consents/${e(consent.consentId)}/${action}" id="${action}-${e(consent.consentId)}">${action}</button>`,
        )
        .join(' ');
      return `<form method="post" class="consent"><pre>${e(consent.receipt)}</pre>${buttons}</form>`;
    })
    .join('');
  const log = exchanges
    .map(
      (x) =>
        `<li>${e(x.at)}: ${e(x.consumerId)} took ${e(x.items.join(', '))} from ${e(x.providerId)}, ${e(x.outcome)}${x.reason ? ` (${e(x.reason)})` : ''}</li>`,
    )
    .join('');
  // h3: the page's h2 is the login request the phone is answering (the browser test finds it by that).
  return `<h3>Data-sharing consents</h3>${cards || '<p>None yet.</p>'}
<form method="get" action="/demo/app"><button>Refresh</button></form>
<h3>Who accessed my data</h3>${log ? `<ul>${log}</ul>` : '<p>No exchange yet.</p>'}`;
}
