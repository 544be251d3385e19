import { Injectable } from '@nestjs/common';
import type { ActingFor, CorporateRepresentation } from '#libs/identity';
import { actingForAt } from '../domain/acting-for.js';
import { CorporateRegistry } from './corporate-registry.js';

/** The identity context's question during a corporate login, answered from the in-memory registry. */
@Injectable()
export class RegistryRepresentation implements CorporateRepresentation {
  constructor(private readonly registry: CorporateRegistry) {}

  actingFor(citizenId: string, clientId: string, corporationId: string, at: Date): ActingFor | undefined {
    const corporation = this.registry.corporationOf(corporationId);
    return corporation && actingForAt(corporation, citizenId, clientId, at.toISOString());
  }

  async stillActingFor(
    citizenId: string,
    clientId: string,
    corporationId: string,
    at: Date,
  ): Promise<boolean> {
    await this.registry.caughtUpToHead();
    return this.actingFor(citizenId, clientId, corporationId, at) !== undefined;
  }
}
