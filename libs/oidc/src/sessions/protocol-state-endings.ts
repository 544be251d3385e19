import type { Kysely, Transaction } from 'kysely';
import type { EndingScope } from './ending-scope.js';
import type { GrantOriginTables } from './grant-origins.js';
import type { EndedSession } from './sessions-ended.event.js';

type ProtocolTables = GrantOriginTables & {
  oidc_payloads: { model: string; id: string; payload: string; grant_id: string | null };
  oidc_corporate_grants: { grant_id: string };
};

type SessionPayload = {
  accountId?: string;
  authorizations?: Record<string, { sid?: string; grantId?: string }>;
};

/** Statements stay far below every database's parameter limit, whatever an e-service's number of grants. */
const CHUNK = 500;

/**
 * Destroys, in the oidc-provider adapter's table, the grants `scope` covers, every code and token issued
 * under them, and their authorizations in the citizens' browser sessions (a session left with none is
 * destroyed). Answers what ended, for the SessionsEnded event and its back-channel logouts.
 */
export async function endGrants(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Transaction<any>,
  scope: EndingScope,
): Promise<{ grantsRevoked: number; sessions: EndedSession[] }> {
  const db = trx as unknown as Kysely<ProtocolTables>;
  let query = db
    .selectFrom('oidc_grant_origins')
    .select(['grant_id', 'citizen_id'])
    .where('approved_at', '<=', scope.approvedUntil);
  if (scope.citizenId !== undefined) query = query.where('citizen_id', '=', scope.citizenId);
  if (scope.deviceId !== undefined) query = query.where('device_id', '=', scope.deviceId);
  if (scope.clientId !== undefined) query = query.where('client_id', '=', scope.clientId);
  if (scope.corporationId !== undefined) query = query.where('corporation_id', '=', scope.corporationId);
  const origins = await query.execute();
  if (origins.length === 0) return { grantsRevoked: 0, sessions: [] };
  const grantIds = origins.map((o) => o.grant_id);
  for (let i = 0; i < grantIds.length; i += CHUNK) {
    const chunk = grantIds.slice(i, i + CHUNK);
    await db.deleteFrom('oidc_payloads').where('grant_id', 'in', chunk).execute();
    await db.deleteFrom('oidc_payloads').where('model', '=', 'Grant').where('id', 'in', chunk).execute();
    await db.deleteFrom('oidc_corporate_grants').where('grant_id', 'in', chunk).execute();
    await db.deleteFrom('oidc_grant_origins').where('grant_id', 'in', chunk).execute();
  }
  const ended = new Set(grantIds);
  const sessions: EndedSession[] = [];
  for (const citizenId of new Set(origins.map((o) => o.citizen_id))) {
    sessions.push(...(await endAuthorizations(db, citizenId, ended)));
  }
  return { grantsRevoked: grantIds.length, sessions };
}

/**
 * The adapter stores a session as JSON with no account column: the citizen id (a UUID, so no LIKE wildcard)
 * narrows the rows, the parsed payload decides.
 */
async function endAuthorizations(
  db: Kysely<ProtocolTables>,
  citizenId: string,
  grantIds: ReadonlySet<string>,
): Promise<EndedSession[]> {
  const rows = await db
    .selectFrom('oidc_payloads')
    .select(['id', 'payload'])
    .where('model', '=', 'Session')
    .where('payload', 'like', `%"accountId":"${citizenId}"%`)
    .execute();
  const ended: EndedSession[] = [];
  for (const row of rows) {
    const session = JSON.parse(row.payload) as SessionPayload;
    if (session.accountId !== citizenId) continue;
    const authorizations = { ...session.authorizations };
    for (const [clientId, authorization] of Object.entries(authorizations)) {
      if (authorization.grantId === undefined || !grantIds.has(authorization.grantId)) continue;
      if (authorization.sid !== undefined) ended.push({ citizenId, clientId, sid: authorization.sid });
      delete authorizations[clientId];
    }
    if (Object.keys(authorizations).length === Object.keys(session.authorizations ?? {}).length) continue;
    await (Object.keys(authorizations).length === 0
      ? db.deleteFrom('oidc_payloads').where('model', '=', 'Session').where('id', '=', row.id).execute()
      : db
          .updateTable('oidc_payloads')
          .set({ payload: JSON.stringify({ ...session, authorizations }) })
          .where('model', '=', 'Session')
          .where('id', '=', row.id)
          .execute());
  }
  return ended;
}
