import type { EServiceEvent, ProtocolEvent } from '#libs/oidc';
import { DASHBOARD_CLIENT_ID } from '../dashboard/dashboard-client.js';
import type { DataOf } from './event-data.js';
import { dayOf } from './metric-keys.js';
import { METRICS, type MetricHandlers } from './metric-handlers.js';

/**
 * E-services by department (the adoption rate's denominator and numerator), logins per e-service with the
 * claims the citizen released, and failed logins by reason. A login is a token issued for an authorization
 * code; a refresh keeps the citizen active but is not a new login. An administrator signing in to this
 * dashboard uses the platform, not an e-service: those logins are no part of the adoption they measure.
 */
export const oidcMetricHandlers: MetricHandlers = {
  EServiceRegistered: (event, batch) => {
    const data = event.data as DataOf<EServiceEvent, 'EServiceRegistered'>;
    batch.eservice({
      clientId: data.clientId,
      name: data.name,
      department: data.department,
      status: 'active',
      registeredDay: dayOf(data.registeredAt),
    });
    batch.countForEService(METRICS.eservicesRegistered, data.registeredAt, data.clientId);
  },
  EServiceUpdated: (event, batch) => {
    const data = event.data as DataOf<EServiceEvent, 'EServiceUpdated'>;
    if (data.name !== undefined) batch.eservice({ clientId: data.clientId, name: data.name });
  },
  EServiceSuspended: (event, batch) => {
    const data = event.data as DataOf<EServiceEvent, 'EServiceSuspended'>;
    batch.eservice({ clientId: data.clientId, status: 'suspended' });
  },
  EServiceReinstated: (event, batch) => {
    const data = event.data as DataOf<EServiceEvent, 'EServiceReinstated'>;
    batch.eservice({ clientId: data.clientId, status: 'active' });
  },
  TokenIssued: (event, batch) => {
    const data = event.data as DataOf<ProtocolEvent, 'TokenIssued'>;
    if (data.clientId === DASHBOARD_CLIENT_ID) return;
    batch.citizenActive(data.citizenId, data.issuedAt);
    if (data.grantType !== 'authorization_code') return;
    batch.countForEService(METRICS.logins, data.issuedAt, data.clientId);
    batch.firstLogin(data.clientId, data.issuedAt);
    // Claims are read in all and per department, never per e-service: no row per e-service, claim and day.
    for (const claim of data.claimsReleased)
      batch.countForEService(METRICS.claimsReleased, data.issuedAt, data.clientId, claim, false);
  },
  LoginFailed: (event, batch) => {
    const data = event.data as DataOf<ProtocolEvent, 'LoginFailed'>;
    if (data.clientId === DASHBOARD_CLIENT_ID) return;
    batch.countForEService(METRICS.loginFailures, data.failedAt, data.clientId, data.reason);
  },
};
