import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ProjectionRunner, type CommandContext } from '#libs/eventsourcing';
import {
  ChangeEServiceProfileCommand,
  ProjectedEServiceDirectory,
  RegisterEServiceCommand,
  type EServiceFilter,
  type RegistrationInput,
} from '#libs/oidc';

export const ESERVICES_USAGE = `  eservices register --client-id <id> --name <name> --department <code> --redirect-uri <uri>
      [--redirect-uri <uri>]... [--post-logout-redirect-uri <uri>]... (--jwks-file <path> | --secret)
      [--scopes "openid profile"] [--backchannel-logout-uri <uri>]
      [--profile fapi2|standard] [--grant-types "authorization_code client_credentials"]
                           register an e-service; with --secret its generated secret is printed, once;
                           profile fapi2 (FAPI 2.0: PAR, DPoP, private_key_jwt) by default, standard with --secret
  eservices set-profile --client-id <id> --profile fapi2|standard
                           change an e-service's security profile
  eservices list [--department <code>] [--status active|suspended]
                           the registered e-services`;

/** A mistake in the command line itself: answered with the usage, before the platform starts. */
export class UsageError extends Error {}

export type EServicesCommand =
  | { readonly action: 'register'; readonly input: RegistrationInput }
  | { readonly action: 'list'; readonly filter: EServiceFilter }
  | { readonly action: 'set-profile'; readonly clientId: string; readonly profile: string };

/** Reads the arguments, and the key file, before the platform boots: a typo costs no start-up. */
export async function parseEServicesCommand(args: readonly string[]): Promise<EServicesCommand> {
  const [action, ...rest] = args;
  if (action === 'list') {
    const { values } = parse(rest, { department: { type: 'string' }, status: { type: 'string' } });
    if (values.status !== undefined && values.status !== 'active' && values.status !== 'suspended') {
      throw new UsageError('--status must be active or suspended');
    }
    return {
      action,
      filter: {
        ...(values.department !== undefined && { department: values.department }),
        ...(values.status !== undefined && { status: values.status }),
      },
    };
  }
  if (action === 'set-profile') {
    const { values } = parse(rest, { 'client-id': { type: 'string' }, profile: { type: 'string' } });
    if (values['client-id'] === undefined || values.profile === undefined) {
      throw new UsageError('set-profile needs --client-id and --profile');
    }
    return { action, clientId: values['client-id'], profile: values.profile };
  }
  if (action !== 'register') throw new UsageError('eservices needs register, set-profile or list');
  const { values } = parse(rest, {
    'client-id': { type: 'string' },
    name: { type: 'string' },
    department: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    'jwks-file': { type: 'string' },
    secret: { type: 'boolean' },
    scopes: { type: 'string' },
    'backchannel-logout-uri': { type: 'string' },
    profile: { type: 'string' },
    'grant-types': { type: 'string' },
  });
  const { 'client-id': clientId, name, department, 'redirect-uri': redirectUris } = values;
  if (
    clientId === undefined ||
    name === undefined ||
    department === undefined ||
    redirectUris === undefined
  ) {
    throw new UsageError('register needs --client-id, --name, --department and --redirect-uri');
  }
  const jwksFile = values['jwks-file'];
  if ((jwksFile === undefined) === (values.secret === undefined)) {
    throw new UsageError('register needs either --jwks-file or --secret');
  }
  return {
    action,
    input: {
      clientId,
      name,
      department,
      redirectUris,
      postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
      ...(values.scopes !== undefined && { allowedScopes: values.scopes.split(/\s+/).filter(Boolean) }),
      ...(values['backchannel-logout-uri'] !== undefined && {
        backchannelLogoutUri: values['backchannel-logout-uri'],
      }),
      ...(values.profile !== undefined && { profile: values.profile }),
      ...(values['grant-types'] !== undefined && {
        grantTypes: values['grant-types'].split(/\s+/).filter(Boolean),
      }),
      ...(jwksFile === undefined
        ? { authMethod: 'client_secret_basic' }
        : { authMethod: 'private_key_jwt', jwks: await readJson(jwksFile) }),
    },
  };
}

/** Runs through the platform's own command bus and read model, as the admin API does. */
export async function runEServicesCommand(
  app: INestApplicationContext,
  command: EServicesCommand,
  print: (line: string) => void,
): Promise<void> {
  const id = randomUUID();
  const context: CommandContext = { correlationId: id, causationId: id, actor: 'admin:cli' };
  if (command.action === 'set-profile') {
    await app
      .get(CommandBus)
      .execute(new ChangeEServiceProfileCommand(command.clientId, command.profile, context));
    print(`${command.clientId} now has the ${command.profile} profile`);
    return;
  }
  if (command.action === 'register') {
    const { clientId, clientSecret } = await app
      .get(CommandBus)
      .execute(new RegisterEServiceCommand(command.input, context));
    print(`registered ${clientId} (${command.input.authMethod})`);
    if (clientSecret !== undefined) print(`client secret, shown this once, store it now: ${clientSecret}`);
    return;
  }
  // The read model catches up from its checkpoint as the platform starts: wait until it holds the whole log.
  const head = await app.get<EventStore>(EVENT_STORE).headPosition();
  if (head !== undefined) await app.get(ProjectionRunner).waitFor(head);
  const eservices = await app.get(ProjectedEServiceDirectory).list(command.filter);
  for (const e of eservices) {
    print(
      [
        e.clientId.padEnd(30),
        e.department.padEnd(10),
        e.status.padEnd(10),
        e.profile.padEnd(10),
        e.name,
      ].join(' '),
    );
  }
  if (eservices.length === 0) print('no e-service registered');
}

function parse<Options extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  args: string[],
  options: Options,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`--jwks-file ${path}: ${(error as Error).message}`);
  }
}
