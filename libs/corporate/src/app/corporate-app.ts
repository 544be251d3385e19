import { createHash } from 'node:crypto';
import type { CitizenApp } from '#libs/identity';
import type { RepresentativeSignature } from '../commands/sign-for-corporation.command.js';
import type { Representation } from '../domain/acting-for.js';
import { signForCorporationPayload } from '../signing/representative-signatures.js';
import { representationsReadingPayload } from './app-payloads.js';

/**
 * The corporate screens of the citizen-app simulator: the corporations the citizen represents, and signing a
 * document for one of them. The document stays on the phone; only its SHA-256 digest is signed and sent.
 */
export class CorporateApp {
  constructor(readonly phone: CitizenApp) {}

  async representations(): Promise<Representation[]> {
    const { citizenId } = this.phone;
    const { deviceId, signature } = await this.phone.signRequest(representationsReadingPayload(citizenId));
    const answer = await this.phone.send<{ corporations: Representation[] }>(
      'POST',
      `/app/citizens/${citizenId}/corporations`,
      { deviceId, signature },
    );
    return answer.corporations;
  }

  async sign(
    corporationId: string,
    document: string | Uint8Array,
  ): Promise<RepresentativeSignature & { documentDigest: string }> {
    const documentDigest = createHash('sha256').update(document).digest('base64url');
    const signed = await this.phone.signRequest(signForCorporationPayload(corporationId, documentDigest));
    const answer = await this.phone.send<RepresentativeSignature>(
      'POST',
      `/corporate/corporations/${corporationId}/representative-signatures`,
      { ...signed, documentDigest },
    );
    return { ...answer, documentDigest };
  }
}
