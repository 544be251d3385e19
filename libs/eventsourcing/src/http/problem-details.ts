import { HttpException } from '@nestjs/common';
import { DomainError } from '#libs/errors';

/** An RFC 9457 problem document; `code` is the stable, greppable identifier clients branch on. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export function problem(
  code: string,
  status: number,
  detail: string,
  extensions: object = {},
): ProblemDetails {
  return {
    type: `urn:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: titleOf(code),
    status,
    detail,
    code,
    ...extensions,
  };
}

/**
 * Maps anything thrown while serving a request to a problem document. Only errors we raised on purpose
 * speak their message; anything else is a 500 that says nothing about its cause.
 */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof DomainError) return problem(error.code, error.status, error.message, error.details);
  // Nest wraps the body parser's error in an HttpException and keeps the original as its cause.
  const parserFailure =
    bodyParserFailure(error) ?? bodyParserFailure((error as { cause?: unknown } | null)?.cause);
  if (parserFailure) return parserFailure;
  const oauthFailure = oauthError(error);
  if (oauthFailure) return oauthFailure;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
    return problem(code, status, status >= 500 ? 'the server could not complete the request' : error.message);
  }
  return problem('INTERNAL_ERROR', 500, 'the server could not complete the request');
}

/** Express's body parser marks its errors with a `type`; they are the client's fault, not ours. */
function bodyParserFailure(error: unknown): ProblemDetails | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return problem('MALFORMED_JSON', 400, 'the request body is not valid JSON');
    case 'entity.too.large':
      return problem('PAYLOAD_TOO_LARGE', 413, 'the request body is larger than this endpoint accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem('UNSUPPORTED_MEDIA_TYPE', 415, 'the request body must be UTF-8 JSON');
    case 'request.aborted':
      return problem('REQUEST_ABORTED', 400, 'the request body was not received whole');
    default:
      return undefined;
  }
}

/**
 * oidc-provider's errors (e.g. an interaction opened without its session cookie) carry an OAuth error code, a
 * status and `expose: true` when they are the client's to see.
 */
function oauthError(error: unknown): ProblemDetails | undefined {
  const e = error as {
    expose?: unknown;
    statusCode?: unknown;
    error?: unknown;
    error_description?: unknown;
  } | null;
  if (!e || e.expose !== true || typeof e.statusCode !== 'number' || e.statusCode >= 500) return undefined;
  if (typeof e.error !== 'string' || !/^[a-z_]{1,64}$/.test(e.error)) return undefined;
  const detail = typeof e.error_description === 'string' ? e.error_description : e.error;
  return problem(e.error.toUpperCase(), e.statusCode, detail);
}

function titleOf(code: string): string {
  const words = code.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
