import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';

export interface RotatedClientSecret {
  readonly clientId: string;
  /** The new secret, in this answer only; the previous one no longer works. */
  readonly clientSecret: string;
}

export class RotateClientSecretCommand extends Command<RotatedClientSecret> {
  constructor(
    readonly clientId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
