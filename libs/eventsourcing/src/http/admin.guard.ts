import { timingSafeEqual, createHash } from 'node:crypto';
import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '#libs/errors';
import { ADMINISTRATOR_TOKENS, type AdministratorTokens } from './administrator-tokens.js';
import type { AuthenticatedRequest } from './command-context.decorator.js';

export const ADMIN_TOKEN = Symbol('AdminToken');

/**
 * Administrator endpoints take `Authorization: Bearer <token>`: the configured ADMIN_TOKEN (operators, scripts,
 * the demo), or an access token the platform's OpenID Provider issued with the `admin` scope to a citizen who
 * holds the administrator role at the time of the request. A token that is neither is a 401 (RFC 6750's
 * invalid_token); a valid access token that does not carry administration is a 403.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    @Inject(ADMIN_TOKEN) token: string,
    @Optional() @Inject(ADMINISTRATOR_TOKENS) private readonly administratorTokens?: AdministratorTokens,
  ) {
    this.expected = digest(token);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer (\S+)$/.exec(request.header('authorization') ?? '');
    if (!match) {
      throw new DomainError(
        'ADMIN_TOKEN_REQUIRED',
        'this endpoint needs Authorization: Bearer <admin token or administrator access token>',
        401,
      );
    }
    const presented = match[1]!;
    // Compared as digests, in constant time: the token's length leaks nothing either.
    if (timingSafeEqual(digest(presented), this.expected)) {
      request.actor = 'admin';
      return true;
    }
    const check = (await this.administratorTokens?.check(presented)) ?? { outcome: 'invalid' };
    switch (check.outcome) {
      case 'administrator':
        request.actor = `citizen:${check.citizenId}`;
        return true;
      case 'forbidden':
        throw new DomainError(check.code, check.reason, 403);
      case 'invalid':
        throw new DomainError(
          'ADMIN_TOKEN_INVALID',
          'the bearer token is neither the admin token nor a valid administrator access token',
          401,
        );
    }
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
