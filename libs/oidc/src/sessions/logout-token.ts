import { randomUUID } from 'node:crypto';
import type Provider from 'oidc-provider';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A Logout Token (OIDC Back-Channel Logout 1.0 §2.4) as oidc-provider's own would be: signed (and encrypted)
 * as the e-service's ID tokens are, `typ` logout+jwt, the pairwise `sub`, `sid`, `events`, a fresh `jti`,
 * valid two minutes, no nonce. Built here because the outbox, not oidc-provider, sends it.
 */
export async function logoutToken(
  provider: Provider,
  client: InstanceType<Provider['Client']>,
  citizenId: string,
  sid: string,
): Promise<string> {
  const token = new provider.IdToken({ sub: citizenId }, { client });
  // Releases `sub` whatever the (absent) scope: a logout token always names its subject.
  (token as unknown as { mask: object }).mask = { sub: null };
  token.set('events', { [BACKCHANNEL_LOGOUT_EVENT]: {} });
  token.set('jti', randomUUID());
  token.set('sid', sid);
  return token.issue({ use: 'logout' });
}

/**
 * oidc-provider posts logout tokens itself, once and without retry, when a citizen logs out at an e-service:
 * turned off, as the outbox delivers them (and retries) for every ending alike.
 */
export function leaveBackchannelLogoutToTheOutbox(provider: Provider): void {
  (provider.Client.prototype as unknown as { backchannelLogout: () => Promise<void> }).backchannelLogout =
    async () => {};
}
