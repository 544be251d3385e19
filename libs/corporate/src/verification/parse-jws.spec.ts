import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseJws } from './parse-jws.js';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const compact = (header: unknown, payload = b64('doc'), signature = 'c2ln') =>
  `${b64(header)}.${payload}.${signature}`;

describe('parseJws', () => {
  it('reads the signing input exactly: encoded, detached, and unencoded (b64=false)', () => {
    const header = { alg: 'ES256', kid: 'k' };
    const attached = parseJws({ jws: compact(header) });
    expect(attached.ok && attached.jws.signingInput.toString()).toBe(`${b64(header)}.${b64('doc')}`);

    const detached = parseJws({ jws: `${b64(header)}..c2ln`, detachedPayload: b64('doc') });
    expect(detached.ok && detached.jws.signingInput.toString()).toBe(`${b64(header)}.${b64('doc')}`);
    expect(detached.ok && detached.jws.detached).toBe(true);

    const unencoded = { ...header, b64: false, crit: ['b64'] };
    const raw = parseJws({ jws: `${b64(unencoded)}..c2ln`, detachedPayload: b64('a.b $') });
    expect(raw.ok && raw.jws.signingInput.toString()).toBe(`${b64(unencoded)}.a.b $`);
  });

  it('tells a missing detached payload from a malformed token', () => {
    expect(parseJws({ jws: `${b64({ alg: 'ES256' })}..c2ln` })).toMatchObject({
      ok: false,
      missingPayload: true,
    });
    expect(parseJws({ jws: 'a.b' })).toMatchObject({ ok: false });
  });

  it('refuses every header that names a key, every critical extension but b64, and non-asymmetric algorithms', () => {
    for (const header of [
      { alg: 'none' },
      { alg: 'HS256' },
      { alg: 'ES384' },
      { alg: 'ES256', jwk: {} },
      { alg: 'ES256', jku: 'https://x' },
      { alg: 'ES256', x5u: 'https://x' },
      { alg: 'ES256', x5c: [] },
      { alg: 'ES256', 'x5t#S256': 'x' },
      { alg: 'ES256', crit: ['exp'], exp: 1 },
      { alg: 'ES256', b64: false },
      { alg: 'ES256', kid: 7 },
    ]) {
      expect(parseJws({ jws: compact(header) })).toMatchObject({ ok: false });
    }
  });

  it('gives a result, never an exception, for any input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.option(fc.anything(), { nil: undefined }), (jws, detachedPayload) => {
        const result = parseJws({ jws, detachedPayload });
        expect(typeof result.ok).toBe('boolean');
      }),
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (h, p, s) => {
        expect(typeof parseJws({ jws: `${h}.${p}.${s}` }).ok).toBe('boolean');
      }),
    );
  });
});
