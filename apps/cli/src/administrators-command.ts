import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { isUUID } from 'class-validator';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ProjectionRunner, type CommandContext } from '#libs/eventsourcing';
import { AdministratorDirectory, ChangeCitizenCommand } from '#libs/identity';
import { UsageError } from './eservices-command.js';

export const ADMINISTRATORS_USAGE = `  administrators grant|revoke <citizenId>
                           give a citizen the administrator role (their access tokens with the admin scope
                           then open the admin API and the dashboard), or take it back, effective at once
  administrators list      the citizens holding the role`;

export type AdministratorsCommand =
  { readonly action: 'grant' | 'revoke'; readonly citizenId: string } | { readonly action: 'list' };

export function parseAdministratorsCommand(args: readonly string[]): AdministratorsCommand {
  const [action, citizenId, ...extra] = args;
  if (action === 'list' && citizenId === undefined) return { action };
  if ((action === 'grant' || action === 'revoke') && citizenId !== undefined && extra.length === 0) {
    if (!isUUID(citizenId)) throw new UsageError(`${citizenId} is not a citizen id (a UUID)`);
    return { action, citizenId };
  }
  throw new UsageError('administrators needs grant <citizenId>, revoke <citizenId> or list');
}

/** Through the platform's own command bus and read model, as the admin API does. */
export async function runAdministratorsCommand(
  app: INestApplicationContext,
  command: AdministratorsCommand,
  print: (line: string) => void,
): Promise<void> {
  if (command.action === 'list') {
    // The read model catches up from its checkpoint as the platform starts: wait until it holds the whole log.
    const head = await app.get<EventStore>(EVENT_STORE).headPosition();
    if (head !== undefined) await app.get(ProjectionRunner).waitFor(head);
    const administrators = await app.get(AdministratorDirectory).list();
    for (const a of administrators) print(`${a.citizenId} since ${a.grantedAt}`);
    if (administrators.length === 0) print('no administrator');
    return;
  }
  const id = randomUUID();
  const context: CommandContext = { correlationId: id, causationId: id, actor: 'admin:cli' };
  const { citizenId } = command;
  await app.get(CommandBus).execute(
    new ChangeCitizenCommand(
      {
        type: command.action === 'grant' ? 'GrantAdministratorRole' : 'RevokeAdministratorRole',
        citizenId,
      },
      context,
    ),
  );
  print(
    command.action === 'grant'
      ? `${citizenId} is an administrator: they sign in with iAM Smart at /dashboard (or a tool allowed the admin scope)`
      : `${citizenId} is no longer an administrator; their access tokens no longer open the admin API`,
  );
}
