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
  type EServiceGrantType,
  type SecurityProfile,
  type TokenSigningAlg,
} from '../domain/eservice.events.js';
import { encryptionAlgOf } from '../domain/client-jwks.js';
import type { EServiceClient, EServiceDirectory, EServiceSummary } from '../eservice-directory.js';
import type { EServiceClientsTables } from './eservice-clients.projection.js';
import type { EServiceProtocolsTables } from './eservice-protocols.projection.js';

/** Profile and grant types are null only while the protocols read model catches up (see findClient). */
type Row = EServiceClientsTables['eservice_clients'] & {
  profile: SecurityProfile | null;
  grant_types: string | null;
  id_token_signing_alg: TokenSigningAlg | null;
  userinfo_signing_alg: TokenSigningAlg | null;
};

/** An e-service as the administrators see it: everything but its secret. */
export interface EServiceView extends EServiceSummary {
  readonly authMethod: AuthMethod;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly allowedScopes: readonly EServiceScope[];
  readonly jwks?: ClientJwks;
  readonly profile: SecurityProfile;
  readonly grantTypes: readonly EServiceGrantType[];
  readonly idTokenSigningAlg: TokenSigningAlg;
  /** Absent: userinfo as plain JSON. */
  readonly userinfoSigningAlg?: TokenSigningAlg;
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
  private readonly db: Kysely<EServiceClientsTables & EServiceProtocolsTables>;

  constructor(
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
    private readonly vault: PiiVault,
  ) {
    this.db = readModels.db as Kysely<EServiceClientsTables & EServiceProtocolsTables>;
  }

  /**
   * Built in the same member order every time: oidc-provider caches a client by a hash of its metadata, so equal
   * metadata must serialise equally.
   */
  async findClient(clientId: string): Promise<EServiceClient | undefined> {
    const row = await this.row(clientId);
    // No profile yet: the protocols read model has not caught up with this e-service. Unknown for that moment
    // rather than served on a weaker profile than it has.
    if (row?.status !== 'active' || row.profile === null || row.grant_types === null) return undefined;
    const grants = row.grant_types.split(' ');
    const logsIn = grants.includes('authorization_code');
    const jwks = row.jwks === null ? undefined : (JSON.parse(row.jwks) as ClientJwks);
    const encryption = encryptionAlgOf(jwks);
    const idTokenAlg = row.id_token_signing_alg ?? 'ES256';
    const scopes = row.allowed_scopes.split(' ');
    const client = {
      client_id: row.client_id,
      client_name: row.name,
      redirect_uris: JSON.parse(row.redirect_uris) as string[],
      post_logout_redirect_uris: JSON.parse(row.post_logout_redirect_uris) as string[],
      // An e-service registered with hkid before it needed an encryption key: asking for it is invalid_scope.
      scope: (encryption ? scopes : scopes.filter((scope) => scope !== 'hkid')).join(' '),
      grant_types: [
        ...(logsIn ? ['authorization_code', 'refresh_token'] : []),
        ...(grants.includes('client_credentials') ? ['client_credentials'] : []),
      ],
      response_types: logsIn ? ['code'] : [],
      id_token_signed_response_alg: idTokenAlg,
      ...((row.userinfo_signing_alg !== null || encryption) && {
        // Encrypted userinfo is signed first, as the ID token is: nested JWS in JWE.
        userinfo_signed_response_alg: row.userinfo_signing_alg ?? idTokenAlg,
      }),
      ...(encryption && {
        id_token_encrypted_response_alg: encryption,
        id_token_encrypted_response_enc: 'A256GCM',
        userinfo_encrypted_response_alg: encryption,
        userinfo_encrypted_response_enc: 'A256GCM',
      }),
      ...securityMetadata(row.profile),
    };
    if (row.auth_method === 'private_key_jwt') {
      return {
        ...client,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: jwks!,
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
    let query = this.withProtocols().orderBy('eservice_clients.client_id');
    if (filter.department !== undefined) query = query.where('department', '=', filter.department);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    return (await query.execute()).map(toView);
  }

  private row(clientId: string): Promise<Row | undefined> {
    return this.withProtocols().where('eservice_clients.client_id', '=', clientId).executeTakeFirst();
  }

  private withProtocols() {
    return this.db
      .selectFrom('eservice_clients')
      .leftJoin('eservice_protocols', 'eservice_protocols.client_id', 'eservice_clients.client_id')
      .selectAll('eservice_clients')
      .select([
        'eservice_protocols.profile',
        'eservice_protocols.grant_types',
        'eservice_protocols.id_token_signing_alg',
        'eservice_protocols.userinfo_signing_alg',
      ]);
  }
}

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
    // What an e-service registered before these settings has, shown while the protocols read model catches up.
    profile: row.profile ?? 'standard',
    grantTypes: (row.grant_types?.split(' ') ?? ['authorization_code']) as EServiceGrantType[],
    idTokenSigningAlg: row.id_token_signing_alg ?? 'ES256',
    ...(row.userinfo_signing_alg !== null && { userinfoSigningAlg: row.userinfo_signing_alg }),
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
  };
}
