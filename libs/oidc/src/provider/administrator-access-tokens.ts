import type Provider from 'oidc-provider';
import type { AdministratorTokenCheck, AdministratorTokens } from '#libs/eventsourcing';
import type { CitizenClaims } from '#libs/identity';
import { ADMIN_SCOPE } from './claims-policy.js';

const INVALID: AdministratorTokenCheck = { outcome: 'invalid' };
const MAX_TOKEN_LENGTH = 512;

/**
 * Judges an access token this provider issued, as its resource-server checks do (the token unexpired and not
 * revoked, its e-service still active), then asks the identity context whether the citizen holds the
 * administrator role now: revoking the role or suspending the citizen closes the admin API at once, whatever
 * tokens they still have.
 */
export class AdministratorAccessTokens implements AdministratorTokens {
  constructor(
    private readonly provider: Provider,
    private readonly citizens: CitizenClaims,
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
    if (!account) return INVALID;
    if (account.status !== 'active' || !account.administrator) {
      return {
        outcome: 'forbidden',
        code: 'ADMINISTRATOR_ROLE_REQUIRED',
        reason: 'the citizen this access token was issued to does not hold the administrator role',
      };
    }
    return { outcome: 'administrator', citizenId: token.accountId };
  }
}
