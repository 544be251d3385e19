import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/eventsourcing';
import { ESERVICE_DIRECTORY, type EServiceDirectory } from '#libs/oidc';
import {
  parseEServicesCommand,
  runEServicesCommand,
  UsageError,
} from '../../apps/cli/src/eservices-command.js';
import { startTestPlatform } from '../support/test-platform.js';

const dir = mkdtempSync(join(tmpdir(), 'eservices-cli-'));
const jwksFile = join(dir, 'jwks.json');
const { publicKey } = generateKeyPairSync('ed25519');
writeFileSync(jwksFile, JSON.stringify({ keys: [publicKey.export({ format: 'jwk' })] }));

describe('npm run cli -- eservices', () => {
  let app: NestExpressApplication;
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    await runEServicesCommand(app, await parseEServicesCommand(args), (line) => lines.push(line));
    return lines;
  };

  beforeAll(async () => {
    app = await startTestPlatform();
  });
  afterAll(() => app.close());

  it('registers through the command bus, with a key file or a secret printed once, and lists', async () => {
    const common = ['--department', 'HAD', '--redirect-uri', 'https://had.example/cb'];
    expect(
      await run(
        'register',
        '--client-id',
        'had-venues',
        '--name',
        'Venue booking',
        ...common,
        '--jwks-file',
        jwksFile,
      ),
    ).toEqual(['registered had-venues (private_key_jwt)']);
    const withSecret = await run(
      'register',
      '--client-id',
      'had-licences',
      '--name',
      'Licences',
      ...common,
      '--redirect-uri',
      'https://had.example/cb2',
      '--secret',
      '--scopes',
      'openid  profile',
    );
    expect(withSecret).toEqual([
      'registered had-licences (client_secret_basic)',
      expect.stringMatching(/^client secret, shown this once, store it now: [\w-]{43}$/),
    ]);

    const directory = app.get<EServiceDirectory>(ESERVICE_DIRECTORY);
    expect(await directory.findClient('had-licences')).toMatchObject({
      redirect_uris: ['https://had.example/cb', 'https://had.example/cb2'],
      scope: 'openid profile',
      client_secret: withSecret[1]!.split(': ')[1],
    });
    expect(await run('list', '--department', 'HAD')).toEqual([
      expect.stringMatching(/^had-licences +HAD +active +standard +Licences$/),
      expect.stringMatching(/^had-venues +HAD +active +fapi2 +Venue booking$/),
    ]);
    expect(await run('list', '--status', 'suspended')).toEqual(['no e-service registered']);
  });

  it('registers a back-channel logout URI, in the registration event', async () => {
    await run(
      'register',
      '--client-id',
      'had-logouts',
      '--name',
      'Logouts',
      '--department',
      'HAD',
      '--redirect-uri',
      'https://had.example/cb',
      '--secret',
      '--backchannel-logout-uri',
      'https://had.example/backchannel-logout',
    );
    const [registered] = await app.get<EventStore>(EVENT_STORE).readStream('eservice-had-logouts');
    expect(registered!.data).toMatchObject({
      backchannelLogoutUri: 'https://had.example/backchannel-logout',
    });
  });

  it('registers with a profile and grant types, changes a profile, and the provider sees it at once', async () => {
    const common = [
      '--department',
      'HAD',
      '--redirect-uri',
      'https://had.example/cb',
      '--jwks-file',
      jwksFile,
    ];
    await run(
      'register',
      '--client-id',
      'had-permits',
      '--name',
      'Permits',
      ...common,
      '--profile',
      'standard',
    );
    const directory = app.get<EServiceDirectory>(ESERVICE_DIRECTORY);
    expect(await directory.findClient('had-permits')).not.toHaveProperty('dpop_bound_access_tokens');
    await run(
      'register',
      '--client-id',
      'had-back-office',
      '--name',
      'Back office',
      ...common,
      '--grant-types',
      'client_credentials',
    );
    expect(await directory.findClient('had-back-office')).toMatchObject({
      grant_types: ['client_credentials'],
    });
    expect(await run('set-profile', '--client-id', 'had-permits', '--profile', 'fapi2')).toEqual([
      'had-permits now has the fapi2 profile',
    ]);
    expect(await directory.findClient('had-permits')).toMatchObject({
      security_profile: 'fapi2',
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    });
    await expect(
      run('set-profile', '--client-id', 'had-permits', '--profile', 'fapi1'),
    ).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
  });

  it('refuses a domain mistake with its code', async () => {
    await expect(
      run(
        'register',
        '--client-id',
        'x',
        '--name',
        'X',
        '--department',
        'HAD',
        '--redirect-uri',
        'https://x/',
        '--secret',
      ),
    ).rejects.toMatchObject({ code: 'CLIENT_ID_INVALID' });
  });

  it.each([
    [
      [
        'register',
        '--client-id',
        'abc',
        '--name',
        'A',
        '--department',
        'HAD',
        '--redirect-uri',
        'https://a/',
      ],
    ],
    [['register', '--client-id', 'abc', '--name', 'A', '--department', 'HAD', '--secret']],
    [
      [
        'register',
        '--client-id',
        'abc',
        '--name',
        'A',
        '--department',
        'HAD',
        '--redirect-uri',
        'https://a/',
        '--secret',
        '--jwks-file',
        jwksFile,
      ],
    ],
    [['register', '--client-id', 'abc', '--unknown']],
    [
      [
        'register',
        '--client-id',
        'abc',
        '--name',
        'A',
        '--department',
        'HAD',
        '--redirect-uri',
        'https://a/',
        '--jwks-file',
        join(dir, 'missing.json'),
      ],
    ],
    [['list', '--status', 'gone']],
    [['set-profile', '--client-id', 'abc']],
    [['remove', 'abc']],
    [[]],
  ])('refuses the command line %j before anything starts', async (args) => {
    await expect(parseEServicesCommand(args)).rejects.toBeInstanceOf(UsageError);
  });
});
