import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import QRCode from 'qrcode';
import type { EventStore } from '#libs/event-store';
import { DomainError } from '#libs/errors';
import { CLOCK, commandContextOf, EVENT_STORE, type Clock } from '#libs/eventsourcing';
import {
  CITIZEN_CLAIMS,
  LOGIN_GATEWAY,
  type CitizenClaims,
  type LoginGateway,
  type LoginStatus,
} from '#libs/identity';
import { ESERVICE_DIRECTORY, type EServiceDirectory } from '../eservices/eservice-directory.js';
import {
  ACR,
  grantFor,
  minimumAcr,
  requestedClaims,
  requestsAdminScope,
  type AuthorizationRequest,
} from './claims-policy.js';
import { CorporateGrants } from './corporate-grants.js';
import { GrantOrigins } from '../sessions/grant-origins.js';
import { InteractionLogins, type InteractionLogin } from './interaction-logins.js';
import { loginPage } from './login-page.js';
import { recordFailure } from './oidc-provider.factory.js';
import { OIDC_OPTIONS, type OidcOptions } from './oidc-options.js';
import { OIDC_PROVIDER } from './tokens.js';

/**
 * Where oidc-provider sends the browser to log in: a login request the citizen approves in the app, shown as a
 * QR code and a short code, then the authorization resumes with exactly what the citizen approved.
 */
@Controller('interaction')
export class InteractionController {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    @Inject(LOGIN_GATEWAY) private readonly gateway: LoginGateway,
    @Inject(CITIZEN_CLAIMS) private readonly citizens: CitizenClaims,
    @Inject(ESERVICE_DIRECTORY) private readonly directory: EServiceDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly logins: InteractionLogins,
    private readonly corporateGrants: CorporateGrants,
    private readonly grantOrigins: GrantOrigins,
    @Inject(OIDC_OPTIONS) private readonly options: OidcOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':uid')
  async show(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { request, clientId, login } = await this.loginFor(uid, req, res);
    const eService = await this.directory.describe(clientId);
    res.type('html').send(
      loginPage({
        uid,
        eServiceName: eService?.name ?? clientId,
        shortCode: login.shortCode,
        qrPayload: login.qrPayload,
        // SVG rather than PNG: a twentieth of the CPU (PNG encoding was a quarter of a whole login's).
        qrSvg: await QRCode.toString(login.qrPayload, { type: 'svg', margin: 1 }),
        claims: requestedClaims(request),
        expiresAt: login.expiresAt,
        ...(this.options.demoAppUrl && { demoAppUrl: this.options.demoAppUrl }),
      }),
    );
  }

  @Get(':uid/status')
  async status(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { login } = await this.loginFor(uid, req, res);
    const status = await this.gateway.status(login.loginRequestId);
    res.json({ state: status.state });
  }

  @Get(':uid/continue')
  async continue(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { request, clientId, login } = await this.loginFor(uid, req, res);
    const status = await this.gateway.status(login.loginRequestId);
    if (status.state === 'pending') {
      res.redirect(303, `/interaction/${encodeURIComponent(uid)}`);
      return;
    }
    const failure = failureOf(status, login);
    if (failure) {
      await recordFailure(this.store, this.clock, clientId, failure.reason);
      await this.provider.interactionFinished(req, res, failure.result, { mergeWithLastSubmission: false });
      return;
    }
    const approved = status as Extract<LoginStatus, { state: 'approved' }>;
    const grant = new this.provider.Grant({ accountId: approved.citizenId, clientId });
    // Only a login that asks for the admin scope pays for reading the role.
    const administrator =
      requestsAdminScope(request) &&
      (await this.citizens.account(approved.citizenId))?.administrator === true;
    const granted = grantFor(
      request,
      approved.approvedClaims,
      administrator,
      approved.actingFor !== undefined,
    );
    grant.addOIDCScope(granted.scopes.join(' '));
    if (granted.rejectedScopes.length > 0) grant.rejectOIDCScope(granted.rejectedScopes.join(' '));
    if (granted.claims.length > 0) grant.addOIDCClaims(granted.claims);
    if (granted.rejectedClaims.length > 0) grant.rejectOIDCClaims(granted.rejectedClaims);
    const grantId = await grant.save();
    if (approved.actingFor) await this.corporateGrants.remember(grantId, approved.actingFor);
    await this.grantOrigins.remember({
      grantId,
      citizenId: approved.citizenId,
      deviceId: approved.deviceId,
      clientId,
      ...(approved.actingFor && { corporationId: approved.actingFor.corporationId }),
      approvedAt: this.clock.now().toISOString(),
    });
    await this.provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: approved.citizenId, acr: ACR[approved.acr], amr: ['hwk'], remember: false },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  @Post(':uid/abort')
  async abort(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.interactionOf(uid, req, res);
    await recordFailure(this.store, this.clock, String(details.params['client_id']), 'cancelled');
    await this.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the login was cancelled' },
      { mergeWithLastSubmission: false },
    );
  }

  /** The browser's interaction, which must be the one in the URL (another tab may have started a newer one). */
  private async interactionOf(uid: string, req: Request, res: Response) {
    const details = await this.provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      throw new DomainError(
        'INTERACTION_MISMATCH',
        'this page belongs to another sign-in than the one this browser is doing; start again from the e-service',
        400,
      );
    }
    return details;
  }

  /** The interaction of this browser (its cookie must match `uid`) and its login request, started once. */
  private async loginFor(
    uid: string,
    req: Request,
    res: Response,
  ): Promise<{ request: AuthorizationRequest; clientId: string; login: InteractionLogin }> {
    const details = await this.interactionOf(uid, req, res);
    const clientId = String(details.params['client_id']);
    const request = authorizationRequestOf(details.params);
    const existing = await this.logins.find(uid);
    if (existing) return { request, clientId, login: existing };
    const eService = await this.directory.describe(clientId);
    const claims = requestedClaims(request);
    const minimum = minimumAcr(request, claims);
    const started = await this.gateway.start(
      {
        clientId,
        eServiceName: eService?.name ?? clientId,
        minimumAcr: minimum,
        claims,
        ...(request.scope.split(' ').includes('corporate') && { corporate: true }),
        // oidc-provider has already dropped offline_access unless it will issue a refresh token (prompt=consent).
        ...(request.scope.split(' ').includes('offline_access') && { offlineAccess: true }),
      },
      { ...commandContextOf(req), actor: `eservice:${clientId}` },
    );
    const login = await this.logins.remember(uid, { ...started, minimumAcr: minimum });
    return { request, clientId, login };
  }
}

function authorizationRequestOf(params: Record<string, unknown>): AuthorizationRequest {
  const claims =
    typeof params['claims'] === 'string'
      ? (JSON.parse(params['claims']) as AuthorizationRequest['claims'])
      : undefined;
  return {
    scope: String(params['scope'] ?? 'openid'),
    ...(claims && { claims }),
    ...(typeof params['acr_values'] === 'string' && { acr_values: params['acr_values'] }),
  };
}

const LEVELS = { basic: 0, plus: 1 } as const;

function failureOf(
  status: LoginStatus,
  login: InteractionLogin,
): { reason: string; result: { error: string; error_description: string } } | undefined {
  switch (status.state) {
    case 'approved':
      return LEVELS[status.acr] < LEVELS[login.minimumAcr]
        ? {
            reason: 'assurance_too_low',
            result: {
              error: 'unmet_authentication_requirements',
              error_description: 'the e-service needs iAM Smart+ (identity verified in person)',
            },
          }
        : undefined;
    case 'denied':
      return {
        reason: 'denied',
        result: { error: 'access_denied', error_description: 'the citizen denied the login' },
      };
    case 'expired':
    case 'unknown':
      return {
        reason: 'expired',
        result: {
          error: 'access_denied',
          error_description: 'the login request expired before it was approved',
        },
      };
    case 'pending':
      return undefined;
  }
}
