import * as oidc from 'openid-client';
import type { CitizenApp } from '../libs/identity/src/simulator/citizen-app.js';
import { registeredCitizen, RelyingParty } from '../tests/oidc/relying-party.js';
import { throughput } from './measure.js';

/** Steps of one login, in order, as the e-service, the browser and the app see them. */
export const STEPS = {
  par: 'PAR (pushed authorization request)',
  page: 'authorize, redirected to the login page',
  fetch: 'app fetches the request',
  approve: 'app approves',
  callback: 'browser continues to the callback',
  token: 'token (private_key_jwt)',
  userinfo: 'userinfo',
  total: 'whole login',
} as const;
export type Step = keyof typeof STEPS;
/** Milliseconds per login, for each step. */
export type Timings = Record<Step, number[]>;

export interface LoadPlan {
  readonly baseUrl: string;
  readonly clientId: string;
  /** Citizens registered first; logins go round-robin over them. */
  readonly citizens: number;
  readonly warmUp: number;
  /** Measured one after the other: `logins` complete logins with at most `inFlight` at once. */
  readonly runs: readonly { readonly inFlight: number; readonly logins: number }[];
}

export interface LoadResult {
  readonly inFlight: number;
  readonly loginsPerSecond: number;
  readonly timings: Timings;
}

const newTimings = (): Timings =>
  Object.fromEntries(Object.keys(STEPS).map((step) => [step, []])) as unknown as Timings;

/** One complete login of `citizen` at `rp`, over HTTP, every step timed into `timings`. */
async function logIn(rp: RelyingParty, citizen: CitizenApp, timings: Timings): Promise<void> {
  const started = process.hrtime.bigint();
  let last = started;
  const lap = (step: Step) => {
    const now = process.hrtime.bigint();
    timings[step].push(Number(now - last) / 1e6);
    last = now;
  };
  const pushed = await rp.pushAuthorizationRequest();
  lap('par');
  const login = await rp.openLoginPage(pushed);
  if (!login.shortCode) throw new Error(`no login page: the browser landed at ${login.landedAt}`);
  lap('page');
  const pending = await citizen.fetchLoginRequest(login.shortCode);
  lap('fetch');
  await citizen.approve(pending);
  lap('approve');
  const callback = await login.continue();
  if (!callback.searchParams.has('code')) throw new Error(`no code at the callback: ${callback.href}`);
  lap('callback');
  const tokens = await login.redeem(callback);
  lap('token');
  const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub);
  if (userinfo['name'] !== 'CHAN, Tai Man')
    throw new Error(`unexpected userinfo ${JSON.stringify(userinfo)}`);
  lap('userinfo');
  timings.total.push(Number(last - started) / 1e6);
}

/**
 * The load generator: an e-service (openid-client, private_key_jwt), its users' browsers and their phones
 * (the CitizenApp simulator), all talking to the platform at `baseUrl` over HTTP only.
 */
export async function generateLoad(plan: LoadPlan): Promise<LoadResult[]> {
  const rp = await RelyingParty.register(plan.baseUrl, plan.clientId);
  const citizens: CitizenApp[] = [];
  for (let i = 0; i < plan.citizens; i++) citizens.push(await registeredCitizen(plan.baseUrl));
  const citizenFor = (i: number) => citizens[i % citizens.length]!;

  await throughput(plan.warmUp, 8, (i) => logIn(rp, citizenFor(i), newTimings()));
  const results: LoadResult[] = [];
  for (const { inFlight, logins } of plan.runs) {
    const timings = newTimings();
    const loginsPerSecond = await throughput(logins, inFlight, (i) => logIn(rp, citizenFor(i), timings));
    results.push({ inFlight, loginsPerSecond, timings });
  }
  return results;
}
