import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isErased, PiiSubjectErased, PiiVault, type SealedFields } from '#libs/eventsourcing';
import {
  eserviceSecretSubject,
  type EServiceClientSecretRotated,
  type EServiceEvent,
  type EServiceRegistered,
  type SealedClientSecret,
} from '../domain/eservice.events.js';

type SecretField = { clientSecret: string };

/**
 * Client secrets are generated here, sealed at once, and shown in clear only in the answer to the write that
 * made them. Never log one.
 */
@Injectable()
export class ClientSecrets {
  constructor(private readonly vault: PiiVault) {}

  /** 32 random bytes: a secret no one chose, so no one reuses it elsewhere. */
  async generate(clientId: string): Promise<SealedClientSecret> {
    const sealed = await this.vault.seal<SecretField>(eserviceSecretSubject(clientId), {
      clientSecret: randomBytes(32).toString('base64url'),
    });
    return sealed.clientSecret;
  }

  /**
   * The secret the written events carry, opened for the answer. A retry under the same Idempotency-Key gets its
   * first run's secret this way, rather than a secret it never sees being lost in a dropped answer.
   */
  async revealed(clientId: string, events: readonly EServiceEvent[]): Promise<string | undefined> {
    const sealed = events.find(
      (e): e is EServiceRegistered | EServiceClientSecretRotated =>
        e.type === 'EServiceRegistered' || e.type === 'EServiceClientSecretRotated',
    )?.data.clientSecret;
    if (sealed === undefined) return undefined;
    const { clientSecret } = await this.vault.open(eserviceSecretSubject(clientId), {
      clientSecret: sealed,
    } as SealedFields<SecretField>);
    if (isErased(clientSecret)) throw new PiiSubjectErased();
    return clientSecret;
  }
}
