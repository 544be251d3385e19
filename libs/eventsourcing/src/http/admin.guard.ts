import { timingSafeEqual, createHash } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '#libs/errors';
import type { AuthenticatedRequest } from './command-context.decorator.js';

export const ADMIN_TOKEN = Symbol('AdminToken');

/**
 * Administrator endpoints take `Authorization: Bearer <ADMIN_TOKEN>` (from configuration). Until the
 * platform's own OpenID Provider issues administrator tokens, this is the administrators' credential.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(ADMIN_TOKEN) token: string) {
    this.expected = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer (\S+)$/.exec(request.header('authorization') ?? '');
    if (!match) {
      throw new DomainError(
        'ADMIN_TOKEN_REQUIRED',
        'this endpoint needs Authorization: Bearer <admin token>',
        401,
      );
    }
    // Compared as digests, in constant time: the token's length leaks nothing either.
    if (!timingSafeEqual(digest(match[1]!), this.expected)) {
      throw new DomainError('ADMIN_TOKEN_INVALID', 'the admin token is not valid', 403);
    }
    request.actor = 'admin';
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
