import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore, CLOCK, type Clock } from '#libs/eventsourcing';
import { dataset, datasetStream, decideDataset } from '../domain/dataset.js';
import { compilePayloadSchema } from '../exchange/payload-schema.js';
import { CatalogueWrites } from './catalogue-writes.js';
import { PublishDatasetCommand } from './publish-dataset.command.js';

@CommandHandler(PublishDatasetCommand)
export class PublishDatasetHandler implements ICommandHandler<PublishDatasetCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly writes: CatalogueWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ publication, context }: PublishDatasetCommand): Promise<{ datasetId: string }> {
    compilePayloadSchema(publication.schema);
    const stream = datasetStream(publication.datasetId);
    const now = this.clock.now();
    await this.aggregates.handle(stream, dataset, (state) => decideDataset(publication, state, now), context);
    await this.writes.readable(stream);
    return { datasetId: publication.datasetId };
  }
}
