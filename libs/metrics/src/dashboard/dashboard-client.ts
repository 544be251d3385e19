import { ADMIN_SCOPE, type FirstPartyClient } from '#libs/oidc';

export const DASHBOARD_CLIENT_ID = 'platform-dashboard';

/** The dashboard signs administrators in with iAM Smart at the platform's own OpenID Provider, from the page. */
export const dashboardClient = (publicUrl: string): FirstPartyClient => ({
  clientId: DASHBOARD_CLIENT_ID,
  name: 'Administrators’ dashboard',
  redirectUri: `${publicUrl}/dashboard`,
  scope: `openid ${ADMIN_SCOPE}`,
});
