import { createHash, randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '#libs/errors';
import type { CommandContext } from '../metadata/event-metadata.js';

const TOKEN = /^[A-Za-z0-9._:~-]{1,128}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Set by authentication (later: from an access token); requests without one act as `anonymous`. */
export interface AuthenticatedRequest extends Request {
  actor?: string;
}

export function commandContextOf(request: AuthenticatedRequest): CommandContext {
  const correlation = request.header('x-correlation-id');
  if (correlation !== undefined && !TOKEN.test(correlation)) {
    throw new DomainError(
      'INVALID_CORRELATION_ID',
      'X-Correlation-Id must be 1-128 of A-Z a-z 0-9 . _ : ~ -',
      400,
    );
  }
  const key = request.header('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new DomainError(
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key must be 1-255 visible ASCII characters',
      400,
    );
  }
  const requestId = randomUUID();
  return {
    correlationId: correlation ?? requestId,
    causationId: requestId,
    actor: request.actor ?? 'anonymous',
    ...(key !== undefined && { idempotency: { key, fingerprint: fingerprintOf(request) } }),
  };
}

/** What makes two requests "the same request" for an idempotency key: method, route and body. */
function fingerprintOf(request: Request): string {
  return createHash('sha256')
    .update(`${request.method} ${request.baseUrl}${request.path}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('base64url');
}

/** Injects the `CommandContext` of the current request into a controller method. */
export const Context = createParamDecorator((_data: unknown, ctx: ExecutionContext) =>
  commandContextOf(ctx.switchToHttp().getRequest<AuthenticatedRequest>()),
);
