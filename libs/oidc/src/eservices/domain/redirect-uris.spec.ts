import { describe, expect, it } from '@jest/globals';
import { parseRedirectUris } from './redirect-uris.js';

describe('parseRedirectUris', () => {
  it.each([
    [['https://etax.example/callback', 'https://etax.example/cb?tenant=ird']],
    [['https://etax.example:8443/cb']],
    [['http://localhost:3001/cb', 'http://localhost:3001/other']],
    [['http://127.0.0.1/cb']],
    [['http://localhost/']],
  ])('keeps https URIs, and loopback http URIs on any port, exactly as given: %j', (uris) => {
    expect(parseRedirectUris('redirectUris', uris)).toEqual(uris);
  });

  it('keeps post-logout URIs on several hosts, or none', () => {
    const uris = ['https://etax.example/', 'http://localhost:3001/'];
    expect(parseRedirectUris('postLogoutRedirectUris', uris)).toEqual(uris);
    expect(parseRedirectUris('postLogoutRedirectUris', [])).toEqual([]);
  });

  it.each([
    [['https://etax.example/cb', 'http://localhost:3001/cb'], 'etax.example, localhost:3001'],
    [['http://localhost:3001/cb', 'http://localhost:3002/cb'], 'localhost:3001, localhost:3002'],
  ])('refuses redirect URIs on two hosts, which pairwise subjects cannot serve: %j', (uris, hosts) => {
    expect(() => parseRedirectUris('redirectUris', uris)).toThrow(
      expect.objectContaining({ code: 'REDIRECT_URI_INVALID', message: expect.stringContaining(hosts) }),
    );
  });

  it.each([
    ['http://etax.example/cb', 'must use https'],
    ['http://localhost.evil.example/cb', 'must use https'],
    ['http://192.168.1.2/cb', 'must use https'],
    ['etax://callback', 'must use https'],
    ['javascript:alert(1)', 'must use https'],
    ['/relative/cb', 'is not an absolute URL'],
    ['https://etax.example/cb#top', 'has a fragment'],
    ['https://etax.example/cb#', 'has a fragment'],
    ['https://user:pw@etax.example/cb', 'must not carry credentials'],
    ['https://*.etax.example/cb', 'has a wildcard'],
    ['HTTPS://ETAX.example/cb', 'write HTTPS://ETAX.example/cb as https://etax.example/cb'],
    ['https://etax.example', 'as https://etax.example/'],
    ['https://etax.example/a b', 'as https://etax.example/a%20b'],
    [`https://etax.example/${'a'.repeat(2000)}`, 'longer than 2000 characters'],
  ])('refuses %s', (uri, message) => {
    expect(() => parseRedirectUris('redirectUris', [uri])).toThrow(
      expect.objectContaining({
        code: 'REDIRECT_URI_INVALID',
        status: 400,
        message: expect.stringContaining(message),
      }),
    );
  });

  it('needs at least one redirect URI, at most 20, each once', () => {
    const refused = (uris: string[]) =>
      expect(() => parseRedirectUris('redirectUris', uris)).toThrow(
        expect.objectContaining({ code: 'REDIRECT_URI_INVALID' }),
      );
    refused([]);
    refused(['https://a.example/', 'https://a.example/']);
    refused(Array.from({ length: 21 }, (_, i) => `https://a.example/${i}`));
  });
});
