import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { registeredCitizen } from '../oidc/relying-party.js';
import { eventually } from '../support/eventually.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

/** Parses the text exposition format strictly: every line a comment or `name{labels} value`. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})?) (\S+)$/.exec(
      line,
    );
    if (!match) throw new Error(`not a sample line: ${line}`);
    const value = Number(match[2]);
    if (Number.isNaN(value)) throw new Error(`not a number: ${line}`);
    samples.set(match[1]!, value);
  }
  return samples;
}

describe('operations metrics at /metrics', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  const scrape = async () => {
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(await response.text());
  };

  beforeAll(async () => {
    ({ app, baseUrl } = await startListeningTestPlatform());
  });
  afterAll(() => app.close());

  it('counts requests by route pattern and status, never by raw path', async () => {
    const summary =
      'http_request_duration_seconds_count{method="GET",route="/admin/metrics/summary",status="200"}';
    const before = (await scrape()).get(summary) ?? 0;
    for (let i = 0; i < 3; i++)
      await fetch(`${baseUrl}/admin/metrics/summary`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
    await fetch(`${baseUrl}/citizens/not-a-citizen-id`);
    const after = await scrape();
    expect(after.get(summary)).toBe(before + 3);
    expect(
      after.get(
        'http_request_duration_seconds_bucket{method="GET",route="/admin/metrics/summary",status="200",le="+Inf"}',
      ),
    ).toBe(before + 3);
    expect([...after.keys()].some((k) => k.includes('not-a-citizen-id'))).toBe(false);
  });

  it('times appends to the log and shows projections catching up to zero lag', async () => {
    const appends = 'event_store_append_duration_seconds_count';
    const before = (await scrape()).get(appends) ?? 0;
    await registeredCitizen(baseUrl);
    const after = await eventually(async () => {
      const samples = await scrape();
      return samples.get('projection_lag_events{projection="adoption-metrics"}') === 0 ? samples : undefined;
    });
    expect(after.get(appends)).toBeGreaterThan(before);
    expect(after.get('projection_lag_seconds{projection="adoption-metrics"}')).toBe(0);
    expect(after.get('projection_lag_events{projection="citizen-directory"}')).toBe(0);
  });
});
