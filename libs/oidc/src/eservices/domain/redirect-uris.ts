import { DomainError } from '#libs/errors';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);
const MAX_URIS = 20;
const MAX_LENGTH = 2000;

const invalid = (why: string, code = 'REDIRECT_URI_INVALID') => new DomainError(code, why, 400);

/**
 * The provider compares redirect URIs as exact strings, so each one is kept exactly as registered; it must
 * therefore already be in the form URL parsers give back (`https://a.example/`, not `HTTPS://A.example`), or an
 * e-service sending the usual spelling would never match it. Plain http only for a developer's own machine.
 */
export function parseRedirectUris(
  field: 'redirectUris' | 'postLogoutRedirectUris',
  uris: readonly string[],
): string[] {
  if (field === 'redirectUris' && uris.length === 0) throw invalid('redirectUris needs at least one URI');
  if (uris.length > MAX_URIS) throw invalid(`${field} takes at most ${MAX_URIS} URIs`);
  if (new Set(uris).size !== uris.length) throw invalid(`${field} lists the same URI twice`);
  const hosts = new Set(uris.map((uri) => checkRedirectUri(field, uri).host));
  // Subjects are pairwise, and oidc-provider takes an e-service's sector from its redirect URIs' one host: with
  // two hosts it would refuse the client at every login. Development URIs go in a separate registration.
  if (field === 'redirectUris' && hosts.size > 1) {
    throw invalid(`redirectUris must all be on one host (and port), not ${[...hosts].join(', ')}`);
  }
  return [...uris];
}

/** OIDC Back-Channel Logout 1.0 §2.2: an absolute URL without a fragment, held to the redirect URIs' rules. */
export function parseBackchannelLogoutUri(uri: string): string {
  checkRedirectUri('backchannelLogoutUri', uri, 'BACKCHANNEL_LOGOUT_URI_INVALID');
  return uri;
}

function checkRedirectUri(field: string, uri: string, code?: string): URL {
  const fail = (why: string) => invalid(why, code);
  if (uri.length > MAX_LENGTH) throw fail(`${field}: a URI is longer than ${MAX_LENGTH} characters`);
  const url = URL.parse(uri);
  if (!url) throw fail(`${field}: ${uri} is not an absolute URL`);
  if (uri.includes('#')) throw fail(`${field}: ${uri} has a fragment; it must not`);
  if (url.username || url.password) throw fail(`${field}: ${url.host} must not carry credentials`);
  if (url.hostname.includes('*')) {
    throw fail(`${field}: ${uri} has a wildcard; URIs are matched exactly`);
  }
  const secure = url.protocol === 'https:';
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (!secure && !loopback) {
    throw fail(`${field}: ${uri} must use https (plain http only for localhost or 127.0.0.1)`);
  }
  if (url.href !== uri) throw fail(`${field}: write ${uri} as ${url.href}, as it will be matched exactly`);
  return url;
}
