import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  isErased,
  PiiVault,
  READ_MODELS,
  type ReadModelDatabase,
  type SealedFields,
} from '#libs/eventsourcing';
import {
  eserviceSecretSubject,
  type AuthMethod,
  type ClientJwks,
  type EServiceScope,
  type SecurityProfile,
} from '../domain/eservice.events.js';
import type { EServiceClient, EServiceDirectory, EServiceSummary } from '../eservice-directory.js';
import type { EServiceClientsTables } from './eservice-clients.projection.js';
import type { EServiceProfilesTables } from './eservice-profiles.projection.js';

type Row = EServiceClientsTables['eservice_clients'] & { profile: SecurityProfile | null };

/** An e-service as the administrators see it: everything but its secret. */
export interface EServiceView extends EServiceSummary {
  readonly authMethod: AuthMethod;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly allowedScopes: readonly EServiceScope[];
  readonly jwks?: ClientJwks;
  readonly profile: SecurityProfile;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export interface EServiceFilter {
  readonly department?: string;
  readonly status?: EServiceSummary['status'];
}

/** The e-service directory read from the `eservice-clients` projection. */
@Injectable()
export class ProjectedEServiceDirectory implements EServiceDirectory {
  private readonly db: Kysely<EServiceClientsTables & EServiceProfilesTables>;

  constructor(
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
    private readonly vault: PiiVault,
  ) {
    this.db = readModels.db as Kysely<EServiceClientsTables & EServiceProfilesTables>;
  }

  /**
   * Built in the same member order every time: oidc-provider caches a client by a hash of its metadata, so equal
   * metadata must serialise equally.
   */
  async findClient(clientId: string): Promise<EServiceClient | undefined> {
    const row = await this.row(clientId);
    // No profile yet: the profiles read model has not caught up with this e-service. Unknown for that moment
    // rather than served on a weaker profile than it has.
    if (row?.status !== 'active' || row.profile === null) return undefined;
    const client = {
      client_id: row.client_id,
      client_name: row.name,
      redirect_uris: JSON.parse(row.redirect_uris) as string[],
      post_logout_redirect_uris: JSON.parse(row.post_logout_redirect_uris) as string[],
      scope: row.allowed_scopes,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...securityMetadata(row.profile),
    };
    if (row.auth_method === 'private_key_jwt') {
      return {
        ...client,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: JSON.parse(row.jwks!) as ClientJwks,
      };
    }
    const { clientSecret } = await this.vault.open(eserviceSecretSubject(clientId), {
      clientSecret: row.sealed_client_secret!,
    } as SealedFields<{ clientSecret: string }>);
    // An erased vault key leaves a client that can no longer authenticate: as good as unknown.
    if (isErased(clientSecret)) return undefined;
    return { ...client, token_endpoint_auth_method: 'client_secret_basic', client_secret: clientSecret };
  }

  async describe(clientId: string): Promise<EServiceSummary | undefined> {
    const row = await this.row(clientId);
    return row && { clientId: row.client_id, name: row.name, department: row.department, status: row.status };
  }

  async view(clientId: string): Promise<EServiceView | undefined> {
    const row = await this.row(clientId);
    return row && toView(row);
  }

  async list(filter: EServiceFilter): Promise<EServiceView[]> {
    let query = this.withProfiles().orderBy('eservice_clients.client_id');
    if (filter.department !== undefined) query = query.where('department', '=', filter.department);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    return (await query.execute()).map(toView);
  }

  private row(clientId: string): Promise<Row | undefined> {
    return this.withProfiles().where('eservice_clients.client_id', '=', clientId).executeTakeFirst();
  }

  private withProfiles() {
    return this.db
      .selectFrom('eservice_clients')
      .leftJoin('eservice_profiles', 'eservice_profiles.client_id', 'eservice_clients.client_id')
      .selectAll('eservice_clients')
      .select('eservice_profiles.profile');
  }
}

/** For the administrators' view while the profiles read model catches up (see findClient). */
const profileOf = (row: Row): SecurityProfile => row.profile ?? 'standard';

function securityMetadata(profile: SecurityProfile) {
  return profile === 'fapi2'
    ? ({
        security_profile: profile,
        require_pushed_authorization_requests: true,
        dpop_bound_access_tokens: true,
      } as const)
    : { security_profile: profile };
}

function toView(row: Row): EServiceView {
  return {
    clientId: row.client_id,
    name: row.name,
    department: row.department,
    status: row.status,
    authMethod: row.auth_method,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    allowedScopes: row.allowed_scopes.split(' ') as EServiceScope[],
    ...(row.jwks !== null && { jwks: JSON.parse(row.jwks) as ClientJwks }),
    profile: profileOf(row),
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
  };
}
