import type { CitizenApp } from '#libs/identity';
import {
  consentChangePayload,
  consentDecisionPayload,
  consentReadingPayload,
  type ConsentChange,
  type ConsentDecision,
} from '../domain/app-payloads.js';
import { termsHash } from '../domain/consent-terms.js';
import type { ConsentOutcome } from '../commands/citizen-consent.commands.js';
import type { ConsentRequestView } from '../http/app-consents.controller.js';
import type { AccessLogEntry, ConsentView } from '../projections/citizen-consent-views.js';

/**
 * The consent screens of the citizen-app simulator: it fetches a consent request, shows its terms, and signs the
 * citizen's decisions with the phone's device key. The hash it signs is computed here, from the terms it shows,
 * never taken from the platform's answer.
 */
export class ConsentApp {
  constructor(readonly phone: CitizenApp) {}

  fetch(consentId: string): Promise<ConsentRequestView> {
    return this.phone.send('GET', `/app/consents/${consentId}`);
  }

  approve(request: ConsentRequestView): Promise<ConsentOutcome> {
    return this.decide(request, 'approve');
  }

  reject(request: ConsentRequestView): Promise<ConsentOutcome> {
    return this.decide(request, 'reject');
  }

  async decide(request: ConsentRequestView, decision: ConsentDecision): Promise<ConsentOutcome> {
    const payload = consentDecisionPayload(request.consentId, termsHash(request.terms), decision);
    return this.phone.send('POST', `/app/consents/${request.consentId}/decision`, {
      ...(await this.phone.signRequest(payload)),
      decision,
    });
  }

  async change(consentId: string, change: ConsentChange): Promise<ConsentOutcome> {
    const signed = await this.phone.signRequest(consentChangePayload(consentId, change));
    return this.phone.send('POST', `/app/consents/${consentId}/${change}`, signed);
  }

  async consents(): Promise<ConsentView[]> {
    const { citizenId } = this.phone;
    const { deviceId, signature } = await this.phone.signRequest(
      consentReadingPayload(citizenId, 'consents'),
    );
    const answer = await this.phone.send<{ consents: ConsentView[] }>(
      'POST',
      `/app/citizens/${citizenId}/consents`,
      {
        deviceId,
        signature,
      },
    );
    return answer.consents;
  }

  async accessLog(): Promise<AccessLogEntry[]> {
    const { citizenId } = this.phone;
    const { deviceId, signature } = await this.phone.signRequest(
      consentReadingPayload(citizenId, 'access-log'),
    );
    const answer = await this.phone.send<{ exchanges: AccessLogEntry[] }>(
      'POST',
      `/app/citizens/${citizenId}/access-log`,
      { deviceId, signature },
    );
    return answer.exchanges;
  }
}
