import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '#libs/errors';
import { AdminGuard, CLOCK, type AuthenticatedRequest, type Clock } from '#libs/eventsourcing';
import { DeviceSignedRequests } from '#libs/identity';
import { appointmentOf } from '../domain/corporation.state.js';
import { CorporateRegistry } from '../verification/corporate-registry.js';

/** What the administrator's device signs: the request itself, so that a signature fits this one request only. */
export const corporateAdministrationPayload = (method: string, path: string, body: unknown) => ({
  action: 'administer-corporation',
  method,
  path,
  body: (body ?? {}) as Record<string, never>,
});

const SIGNER_HEADERS = ['x-citizen-id', 'x-device-id', 'x-device-signature'] as const;

/**
 * Who may manage a corporation's representatives and keys: a platform administrator (`Bearer $ADMIN_TOKEN`), or
 * one of the corporation's own representatives with the `administrator` role, from their app: the headers
 * `X-Citizen-Id`, `X-Device-Id` and `X-Device-Signature`, a JWS by the device over
 * `{action: "administer-corporation", method, path, body, iat}`.
 */
@Injectable()
export class CorporateAdministratorGuard implements CanActivate {
  constructor(
    private readonly adminGuard: AdminGuard,
    private readonly signedRequests: DeviceSignedRequests,
    private readonly registry: CorporateRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (request.header('authorization') !== undefined) return this.adminGuard.canActivate(context);
    const [citizenId, deviceId, signature] = SIGNER_HEADERS.map((name) => request.header(name));
    if (!citizenId || !deviceId || !signature) {
      throw new DomainError(
        'CORPORATE_ADMINISTRATOR_REQUIRED',
        'this needs a platform administrator token, or the device signature of a corporate administrator',
        401,
      );
    }
    const now = this.clock.now();
    const actor = await this.signedRequests.citizenActing(
      { citizenId, deviceId, signature },
      corporateAdministrationPayload(request.method, request.originalUrl.split('?')[0]!, request.body),
      now,
      request.header('idempotency-key'),
    );
    const corporationId = String(request.params['corporationId']);
    const corporation = this.registry.corporationOf(corporationId);
    const held = corporation && appointmentOf(corporation, actor, now.toISOString());
    if (held?.term.role !== 'administrator') {
      throw new DomainError(
        'NOT_A_CORPORATE_ADMINISTRATOR',
        `this citizen is not an administrator of corporation ${corporationId}`,
        403,
      );
    }
    request.actor = `citizen:${actor}`;
    return true;
  }
}
