import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminGuard } from '#libs/eventsourcing';
import { AdministratorDirectory, type AdministratorView } from '../projections/administrators.projection.js';

@Controller('admin/administrators')
@UseGuards(AdminGuard)
export class AdministratorsController {
  constructor(private readonly directory: AdministratorDirectory) {}

  @Get()
  async list(): Promise<{ administrators: AdministratorView[] }> {
    return { administrators: await this.directory.list() };
  }
}
