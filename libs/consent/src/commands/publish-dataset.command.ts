import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { DatasetPublication } from '../domain/dataset.js';

export class PublishDatasetCommand extends Command<{ datasetId: string }> {
  constructor(
    readonly publication: DatasetPublication,
    readonly context: CommandContext,
  ) {
    super();
  }
}
