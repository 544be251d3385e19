import type Provider from 'oidc-provider';
import type { AdministratorTokenCheck, AdministratorTokens } from '#libs/eventsourcing';
import type { CitizenClaims } from '#libs/identity';
import type { GrantValidity } from '../sessions/grant-validity.js';
import { ADMIN_SCOPE } from './claims-policy.js';

const INVALID: AdministratorTokenCheck = { outcome: 'invalid' };
const MAX_TOKEN_LENGTH = 512;

/**
 * Judges an access token this provider issued, as its resource-server checks do (the token unexpired and not
 * revoked, its e-service still active), then asks the identity context whether the citizen holds the
 * administrator role now: revoking the role closes the admin API at once, whatever tokens they still have.
 * A suspended citizen's or lost device's tokens are no tokens at all any more (GrantValidity).
 */
export class AdministratorAccessTokens implements AdministratorTokens {
  constructor(
    private readonly provider: Provider,
    private readonly citizens: CitizenClaims,
    private readonly validity: GrantValidity,
  ) {}

  async check(value: string): Promise<AdministratorTokenCheck> {
    // The provider's opaque tokens are 43 characters: anything much longer is not worth a lookup.
    if (value.length > MAX_TOKEN_LENGTH) return INVALID;
    const token = await this.provider.AccessToken.find(value);
    if (!token?.accountId || !token.clientId || !(await this.provider.Client.find(token.clientId))) {
      return INVALID;
    }
    if (!token.scopes.has(ADMIN_SCOPE)) {
      return {
        outcome: 'forbidden',
        code: 'ADMIN_SCOPE_REQUIRED',
        reason: `this access token was not issued with the ${ADMIN_SCOPE} scope`,
      };
    }
    const account = await this.citizens.account(token.accountId);
    if (!account || !(await this.validity.allows(account, token.grantId))) return INVALID;
    if (!account.administrator) {
      return {
        outcome: 'forbidden',
        code: 'ADMINISTRATOR_ROLE_REQUIRED',
        reason: 'the citizen this access token was issued to does not hold the administrator role',
      };
    }
    return { outcome: 'administrator', citizenId: token.accountId };
  }
}
