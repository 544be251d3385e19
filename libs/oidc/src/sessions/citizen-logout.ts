import { Logger } from '@nestjs/common';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { EventStore } from '#libs/event-store';
import type { Clock } from '#libs/eventsourcing';
import { escapeHtml } from '../provider/login-page.js';
import { recordSessionsEnded, type EndedSession } from './sessions-ended.event.js';

const logger = new Logger('CitizenLogout');

/** What oidc-provider's session holds after `destroy()`, in memory still. */
type EndingSession = {
  accountId?: string;
  destroyed?: boolean;
  authorizations?: Record<string, { sid?: string; grantId?: string; persistsLogout?: boolean }>;
};

/**
 * The logout confirmation at `end_session`: one choice, to sign out of iAM Smart, which ends the browser
 * session at every e-service (each with a back-channel logout token), not only at the one that asked.
 */
export async function logoutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const name = ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId;
  ctx.type = 'html';
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out of iAM Smart</title></head>
<body><h1>Sign out of iAM Smart?</h1>
<p>${name ? `${escapeHtml(name)} asks to sign you out. ` : ''}You will be signed out of every e-service you signed in to with iAM Smart in this browser.</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out everywhere</button>
</body></html>`;
}

/**
 * Records the citizen's logout as SessionsEnded once oidc-provider has destroyed the session, before the browser
 * is answered: the outbox then sends each e-service its logout token.
 */
export function recordCitizenLogouts(provider: Provider, store: EventStore, clock: Clock): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'end_session_confirm' || ctx.status !== 303) return;
    const session = ctx.oidc.session as unknown as EndingSession | undefined;
    const citizenId = session?.accountId;
    if (!session?.destroyed || !citizenId) return;
    const authorizations = Object.entries(session.authorizations ?? {});
    const sessions: EndedSession[] = authorizations.flatMap(([clientId, { sid }]) =>
      sid ? [{ citizenId, clientId, sid }] : [],
    );
    if (sessions.length === 0) return;
    await recordSessionsEnded(
      store,
      {
        type: 'SessionsEnded',
        data: {
          reason: 'citizen-logout',
          citizenId,
          grantsRevoked: authorizations.filter(([, a]) => a.grantId && !a.persistsLogout).length,
          sessions,
          endedAt: clock.now().toISOString(),
        },
      },
      { actor: `citizen:${citizenId}` },
    ).catch((error: Error) => logger.error(`could not record SessionsEnded: ${error.name}`));
  });
}
