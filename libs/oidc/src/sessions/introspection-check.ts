import type Provider from 'oidc-provider';
import type { GrantValidity } from './grant-validity.js';

/**
 * oidc-provider's introspection asks no account, only that the grant still exists: a token whose citizen was
 * suspended or whose device was reported lost would read as active until the reaction destroyed its grant.
 * This answers `active: false` for it at once, as RFC 7662 answers any token no longer valid.
 */
export function refuseEndedGrantsAtIntrospection(provider: Provider, validity: GrantValidity): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'introspection') return;
    const body = ctx.body as { active?: boolean } | undefined;
    const token = ctx.oidc.entities.AccessToken ?? ctx.oidc.entities.RefreshToken;
    if (body?.active !== true || !token?.accountId) return;
    if (!(await validity.stillValid(token.accountId, token.grantId))) ctx.body = { active: false };
  });
}
