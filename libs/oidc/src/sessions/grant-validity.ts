import type { CitizenAccount, CitizenClaims, CorporateRepresentation } from '#libs/identity';
import type { GrantOrigins } from './grant-origins.js';

/**
 * Whether a grant's tokens may still be used, asked wherever one is (userinfo, refresh, introspection, code
 * exchange): the citizen's stream and the corporate registry say it as of now, so a lost device or a revoked
 * appointment takes effect at the next use, before the reaction that destroys the grant has run.
 */
export class GrantValidity {
  constructor(
    private readonly origins: GrantOrigins,
    private readonly citizens: CitizenClaims,
    private readonly representation: CorporateRepresentation | undefined,
    private readonly now: () => Date,
  ) {}

  async stillValid(accountId: string, grantId: string | undefined): Promise<boolean> {
    const account = await this.citizens.account(accountId);
    return account !== undefined && (await this.allows(account, grantId));
  }

  /** For an account already loaded: active, the approving device still enrolled, the appointment still held. */
  async allows(account: CitizenAccount, grantId: string | undefined): Promise<boolean> {
    if (account.status !== 'active') return false;
    // Grants from before origins were recorded have none; the citizen's status still covers them.
    const origin = grantId === undefined ? undefined : await this.origins.find(grantId);
    if (!origin) return true;
    if (!account.activeDeviceIds.includes(origin.deviceId)) return false;
    if (origin.corporationId === undefined || !this.representation) return true;
    return this.representation.stillActingFor(
      origin.citizenId,
      origin.clientId,
      origin.corporationId,
      this.now(),
    );
  }
}
