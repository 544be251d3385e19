import { randomUUID } from 'node:crypto';
import type { EventStore } from '#libs/event-store';
import { demoDepartmentCode, longTailPicker, registeredAfter, seededRandom } from './demo-population.js';
import { adoptionEvents as e, type AdoptionEvent } from './adoption-events.js';

export interface HistoryOptions {
  readonly citizens: number;
  readonly eservices: number;
  readonly departments: number;
  readonly days: number;
  readonly loginsPerDay: number;
  /** The last day of the history (UTC, `YYYY-MM-DD`). */
  readonly endDay: string;
  readonly seed?: number;
}

export interface HistoryFacts {
  events: number;
  readonly loginsByDay: Map<string, number>;
  readonly registrationsByDay: Map<string, number>;
  readonly loginsByEService: Map<string, number>;
  readonly departmentOf: Map<string, string>;
}

export interface Append {
  readonly stream: string;
  readonly events: AdoptionEvent[];
}

const CLAIMS = ['name', 'name_zh', 'birthdate', 'email', 'phone_number', 'address'];

/**
 * A year of adoption, deterministic for a seed: registrations growing through the period, logins spread over
 * e-services by a long-tailed popularity (a fifth of the e-services registered but never used), 93 % approved,
 * the rest denied or expired. `facts` holds the totals a test checks the dashboard against.
 */
export function* adoptionHistory(options: HistoryOptions, facts: HistoryFacts): Generator<Append> {
  const random = seededRandom(options.seed ?? 42);
  const start = Date.parse(`${options.endDay}T00:00:00Z`) - (options.days - 1) * 86_400_000;
  const at = (day: number, fraction: number) => new Date(start + (day + fraction) * 86_400_000).toISOString();
  const departments = Array.from({ length: options.departments }, (_, i) => demoDepartmentCode(i));
  const services = Array.from({ length: options.eservices }, (_, i) => ({
    clientId: `eservice-${i + 1}`,
    department: departments[i % departments.length]!,
    used: i % 5 !== 4,
  }));
  for (const service of services) facts.departmentOf.set(service.clientId, service.department);
  for (const service of services)
    yield {
      stream: `eservice-${service.clientId}`,
      events: [e.eserviceRegistered(service.clientId, service.department, at(0, 0))],
    };
  const used = services.filter((s) => s.used);
  const pickService = longTailPicker(used, random, (rank) => 1 / (rank + 1));
  let registered = 0;
  for (let day = 0; day < options.days; day++) {
    const dayText = at(day, 0).slice(0, 10);
    // Registrations grow linearly, so that the cumulative curve bends up as in a real roll-out.
    const target = registeredAfter(day, options.days, options.citizens);
    for (; registered < target; registered++) {
      const level = random() < 0.3 ? 'plus' : 'basic';
      const events = [e.citizenRegistered(citizenId(registered), level, at(day, random()))];
      if (level === 'basic' && random() < 0.05)
        events.push(e.identityVerified(citizenId(registered), at(day, 0.99)));
      facts.registrationsByDay.set(dayText, (facts.registrationsByDay.get(dayText) ?? 0) + 1);
      facts.events += events.length;
      yield { stream: `citizen-${citizenId(registered)}`, events };
    }
    if (registered === 0) continue;
    const logins = Math.round(options.loginsPerDay * (0.5 + day / options.days));
    for (let n = 0; n < logins; n++) {
      const service = pickService();
      const citizen = citizenId(Math.floor(random() * registered));
      const time = at(day, random() * 0.98);
      const request = randomUUID();
      const outcome = random();
      const requestEvents = [e.loginRequested(request, service.clientId, time)];
      const activity: AdoptionEvent[] = [];
      if (outcome < 0.93) {
        const claims = CLAIMS.filter(() => random() < 0.4).sort();
        requestEvents.push(e.loginApproved(request, citizen, claims, time));
        activity.push(e.tokenIssued(service.clientId, citizen, claims, time));
        facts.loginsByDay.set(dayText, (facts.loginsByDay.get(dayText) ?? 0) + 1);
        facts.loginsByEService.set(service.clientId, (facts.loginsByEService.get(service.clientId) ?? 0) + 1);
      } else if (outcome < 0.97) {
        requestEvents.push(e.loginDenied(request, citizen, time));
        activity.push(e.loginFailed(service.clientId, 'access_denied', time));
      } else {
        requestEvents.push(e.loginExpired(request, time));
        activity.push(e.loginFailed(service.clientId, 'login_expired', time));
      }
      facts.events += requestEvents.length + activity.length;
      yield { stream: `loginRequest-${request}`, events: requestEvents };
      yield { stream: `oidcActivity-${service.clientId}`, events: activity };
    }
  }
  facts.events += services.length;
}

export function emptyFacts(): HistoryFacts {
  return {
    events: 0,
    loginsByDay: new Map(),
    registrationsByDay: new Map(),
    loginsByEService: new Map(),
    departmentOf: new Map(),
  };
}

/** Appends a history through the store's port, `concurrency` appends in flight (the store groups their commits). */
export async function appendHistory(
  store: EventStore,
  options: HistoryOptions,
  onProgress?: (events: number) => void,
  concurrency = 32,
): Promise<HistoryFacts> {
  const facts = emptyFacts();
  const appends = adoptionHistory(options, facts);
  let written = 0;
  let lastReport = 0;
  const worker = async () => {
    for (let next = appends.next(); !next.done; next = appends.next()) {
      const { stream, events } = next.value;
      await store.append(
        stream,
        events.map((event) => ({
          id: randomUUID(),
          type: event.type,
          data: event.data,
          metadata: { actor: 'generator', occurredAt: new Date().toISOString(), schemaVersion: 1 },
        })),
      );
      written += events.length;
      if (onProgress && written - lastReport >= 50_000) {
        lastReport = written;
        onProgress(written);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return facts;
}

export function citizenId(n: number): string {
  return `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;
}
