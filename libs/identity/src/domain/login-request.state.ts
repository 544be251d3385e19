import type { Evolver } from '#libs/eventsourcing';
import type { LoginStatus } from '../login/login-gateway.js';
import type {
  LoginApproved,
  LoginDenied,
  LoginRequested,
  LoginRequestEvent,
} from './login-request.events.js';

type Requested = LoginRequested['data'];

export type LoginRequest =
  | { readonly status: 'none' }
  | { readonly status: 'pending'; readonly request: Requested }
  | { readonly status: 'approved'; readonly request: Requested; readonly approval: LoginApproved['data'] }
  | { readonly status: 'denied'; readonly request: Requested; readonly denial: LoginDenied['data'] }
  | { readonly status: 'expired'; readonly request: Requested };

/** Only a pending request takes an outcome: the first one written is the one that stands. */
export const loginRequest: Evolver<LoginRequest, LoginRequestEvent> = {
  eventTypes: ['LoginRequested', 'LoginApproved', 'LoginDenied', 'LoginExpired'],
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    if (event.type === 'LoginRequested') {
      return state.status === 'none' ? { status: 'pending', request: event.data } : state;
    }
    if (state.status !== 'pending') return state;
    switch (event.type) {
      case 'LoginApproved':
        return { status: 'approved', request: state.request, approval: event.data };
      case 'LoginDenied':
        return { status: 'denied', request: state.request, denial: event.data };
      case 'LoginExpired':
        return { status: 'expired', request: state.request };
    }
  },
};

/** A request lives until `expiresAt`, exclusive, whether or not a `LoginExpired` was written yet. */
export const hasExpired = (request: Requested, now: Date): boolean =>
  now.getTime() >= Date.parse(request.expiresAt);

export function loginStatusOf(state: LoginRequest, now: Date): LoginStatus {
  switch (state.status) {
    case 'none':
      return { state: 'unknown' };
    case 'pending':
      return hasExpired(state.request, now)
        ? { state: 'expired' }
        : { state: 'pending', expiresAt: state.request.expiresAt };
    case 'approved': {
      const { citizenId, deviceId, acr, approvedClaims, actingFor } = state.approval;
      return { state: 'approved', citizenId, deviceId, acr, approvedClaims, ...(actingFor && { actingFor }) };
    }
    case 'denied':
      return { state: 'denied' };
    case 'expired':
      return { state: 'expired' };
  }
}
