import type { CitizenEvent, LoginRequestEvent } from '#libs/identity';
import type { DataOf } from './event-data.js';
import { METRICS, type MetricHandlers } from './metric-handlers.js';

/** Registrations by assurance level, in-person verifications, and login requests by outcome. */
export const identityMetricHandlers: MetricHandlers = {
  CitizenRegistered: (event, batch) => {
    const data = event.data as DataOf<CitizenEvent, 'CitizenRegistered'>;
    batch.count(METRICS.citizensRegistered, data.registeredAt, data.assuranceLevel);
  },
  IdentityVerified: (event, batch) => {
    const data = event.data as DataOf<CitizenEvent, 'IdentityVerified'>;
    batch.count(METRICS.identityVerified, data.verifiedAt, data.assuranceLevel);
  },
  LoginRequested: (event, batch) => {
    const data = event.data as DataOf<LoginRequestEvent, 'LoginRequested'>;
    batch.count(METRICS.loginRequests, data.requestedAt, 'requested');
  },
  LoginApproved: (event, batch) => {
    const data = event.data as DataOf<LoginRequestEvent, 'LoginApproved'>;
    batch.count(METRICS.loginRequests, data.approvedAt, 'approved');
    batch.citizenActive(data.citizenId, data.approvedAt);
  },
  LoginDenied: (event, batch) => {
    const data = event.data as DataOf<LoginRequestEvent, 'LoginDenied'>;
    batch.count(METRICS.loginRequests, data.deniedAt, 'denied', data.reason);
  },
  LoginExpired: (event, batch) => {
    const data = event.data as DataOf<LoginRequestEvent, 'LoginExpired'>;
    batch.count(METRICS.loginRequests, data.expiredAt, 'expired');
  },
};
