import type { Kysely, Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { ProjectionTally } from '#libs/eventsourcing';
import { periodOf } from '../queries/periods.js';
import { DepartmentLookups } from './department-lookups.js';
import { METRICS, type MetricHandlers } from './metric-handlers.js';
import { ALL_ESERVICES, countKey, dayOf, departmentDimension } from './metric-keys.js';
import type { MetricTables } from './metric-tables.js';
import {
  addTo,
  chunks,
  insertRows,
  upsertCounts,
  writeEService,
  type EServiceFacts,
} from './metric-writes.js';

export type { EServiceFacts } from './metric-writes.js';

/**
 * What one batch of events changes in the adoption read model, gathered in memory as the events are read: a
 * thousand logins of the same day and e-service become one upsert, not a thousand. Writing leaves the tally as
 * it was, so a retried transaction writes the same rows again.
 */
export class MetricBatch implements ProjectionTally {
  private readonly counts = new Map<string, number>();
  private readonly eservices = new Map<string, EServiceFacts>();
  private readonly active = new Set<string>();
  private readonly firstLogins = new Map<string, string>();
  private readonly participants = new Map<string, string>();
  private readonly consents = new Map<string, readonly [string, string]>();
  /** Departments learnt from registrations earlier in this batch. */
  private readonly departments = new Map<string, string>();
  /** Department counts whose department is found at the write, from what the read model knew before it. */
  private readonly lookups = new DepartmentLookups();
  /** The last citizen and day marked active: a login's approval and its token name the same pair. */
  private lastActive = '';

  constructor(private readonly handlers: MetricHandlers) {}

  add(event: RecordedEvent): void {
    this.handlers[event.type]?.(event, this);
  }

  /** `at` is an ISO-8601 instant; counters are kept per UTC day. */
  count(metric: string, at: string, dimension = '', detail = '', by = 1): void {
    addTo(this.counts, countKey(metric, dayOf(at), dimension, detail), by);
  }

  /**
   * Counts for the e-service, for its department (as registered when the event happened) and for all: the
   * dashboard's totals then read a row per day rather than one per e-service and day. `perEService: false`
   * leaves out the e-service's own row, for a figure no query reads per e-service.
   */
  countForEService(metric: string, at: string, clientId: string, detail = '', perEService = true): void {
    const day = dayOf(at);
    if (perEService) addTo(this.counts, countKey(metric, day, clientId, detail), 1);
    addTo(this.counts, countKey(metric, day, ALL_ESERVICES, detail), 1);
    const department = this.departments.get(clientId);
    if (department !== undefined)
      addTo(this.counts, countKey(metric, day, departmentDimension(department), detail), 1);
    else this.lookups.await({ eservice: clientId }, metric, day, detail);
  }

  /** Counts for all, and for the departments of the consent's consumer and provider. */
  countForConsent(metric: string, at: string, consentId: string, detail = ''): void {
    const participants = this.consents.get(consentId);
    this.count(metric, at, ALL_ESERVICES, detail);
    this.lookups.await(participants ? { participants } : { consent: consentId }, metric, dayOf(at), detail);
  }

  /** Counts for all, and for the departments of the participants (once for a department of both). */
  countForParticipants(metric: string, at: string, participants: readonly string[], detail = ''): void {
    this.count(metric, at, ALL_ESERVICES, detail);
    this.lookups.await({ participants }, metric, dayOf(at), detail);
  }

  /** The e-service's first login: from then on it counts as integrated, not only registered. */
  firstLogin(clientId: string, at: string): void {
    const day = dayOf(at);
    const known = this.firstLogins.get(clientId);
    if (known === undefined || day < known) this.firstLogins.set(clientId, day);
  }

  /** The citizen used the platform at `at`: counted once for that day, that ISO week and that month. */
  citizenActive(citizenId: string, at: string): void {
    const day = dayOf(at);
    const pair = `${day}${citizenId}`;
    if (pair === this.lastActive) return;
    this.lastActive = pair;
    for (const period of activePeriods(day)) this.active.add(`${period}\u0000${citizenId}`);
  }

  /** Later facts about the same e-service within the batch override earlier ones, field by field. */
  eservice(facts: EServiceFacts): void {
    this.eservices.set(facts.clientId, { ...this.eservices.get(facts.clientId), ...facts });
    if (facts.department !== undefined) this.departments.set(facts.clientId, facts.department);
  }

  participant(participantId: string, department: string): void {
    this.participants.set(participantId, department);
  }

  consent(consentId: string, consumerId: string, providerId: string): void {
    this.consents.set(consentId, [consumerId, providerId]);
  }

  async write(trx: Transaction<MetricTables> | Kysely<MetricTables>): Promise<void> {
    const db = trx as Kysely<MetricTables>;
    const counts = new Map(this.counts);
    // Before this batch's registrations are written: e-services and consents as they stood before the batch.
    for (const [key, count] of await this.lookups.resolve(db, this.participants)) addTo(counts, key, count);
    for (const facts of this.eservices.values()) await writeEService(db, facts);
    await writeParticipants(db, this.participants, this.consents);
    await this.writeActive(db, counts);
    await upsertCounts(db, 'metric_daily_counts', counts);
    await upsertCounts(db, 'metric_monthly_counts', monthly(counts));
    for (const [client_id, day] of this.firstLogins) {
      await db
        .insertInto('metric_eservice_first_logins')
        .values({ client_id, day })
        .onConflict((oc) =>
          oc.column('client_id').doUpdateSet({ day }).where('metric_eservice_first_logins.day', '>', day),
        )
        .execute();
    }
  }

  /**
   * Distinct active citizens are counted as they first appear in a period: the insert answers only the rows it
   * added, and those move the `active-citizens` counter, so no query ever counts distinct rows. Sorted, a
   * period's new rows land next to each other in the key's tree.
   */
  private async writeActive(db: Kysely<MetricTables>, counts: Map<string, number>): Promise<void> {
    const values = [...this.active].sort().flatMap(splitPair);
    const added = await insertRows<{ period: string }>(
      db,
      'INSERT INTO metric_active_citizens (period, citizen_id)',
      2,
      'ON CONFLICT DO NOTHING RETURNING period',
      values,
    );
    for (const { period } of added) {
      const [granularity, day] = ACTIVE_PERIOD_OF[period[0]!]!(period);
      addTo(counts, countKey(METRICS.activeCitizens, day, granularity, ''), 1);
    }
  }
}

async function writeParticipants(
  db: Kysely<MetricTables>,
  participants: ReadonlyMap<string, string>,
  consents: ReadonlyMap<string, readonly [string, string]>,
): Promise<void> {
  for (const rows of chunks([...participants], 500)) {
    await db
      .insertInto('metric_participants')
      .values(rows.map(([participant_id, department]) => ({ participant_id, department })))
      .onConflict((oc) =>
        oc.column('participant_id').doUpdateSet((eb) => ({ department: eb.ref('excluded.department') })),
      )
      .execute();
  }
  for (const rows of chunks([...consents], 500)) {
    await db
      .insertInto('metric_consents')
      .values(
        rows.map(([consent_id, [consumer_id, provider_id]]) => ({ consent_id, consumer_id, provider_id })),
      )
      .onConflict((oc) =>
        oc.column('consent_id').doUpdateSet((eb) => ({
          consumer_id: eb.ref('excluded.consumer_id'),
          provider_id: eb.ref('excluded.provider_id'),
        })),
      )
      .execute();
  }
}

/**
 * The same counts summed by month, the month keyed by its first day: a year-long total then reads twelve rows
 * per dimension and detail, plus the days of the range's partial months. Distinct active citizens are not a
 * sum of days: they have their own month rows.
 */
function monthly(counts: ReadonlyMap<string, number>): Map<string, number> {
  const months = new Map<string, number>();
  for (const [key, count] of counts) {
    if (key.startsWith(ACTIVE_PREFIX)) continue;
    const [metric, day, dimension, detail] = key.split('\u0000') as [string, string, string, string];
    addTo(months, countKey(metric, `${day.slice(0, 7)}-01`, dimension, detail), count);
  }
  return months;
}

const ACTIVE_PREFIX = `${METRICS.activeCitizens}\u0000`;

/** Period keys of the active-citizen rows: `D2026-11-25`, `W2026-11-23` (the ISO week's Monday), `M2026-11-01`. */
function activePeriods(day: string): readonly string[] {
  let periods = ACTIVE_PERIODS.get(day);
  if (!periods) {
    periods = [`D${day}`, `W${periodOf(day, 'week')}`, `M${day.slice(0, 7)}-01`];
    ACTIVE_PERIODS.set(day, periods);
  }
  return periods;
}

/** A few thousand days at most in a log's lifetime; each login would otherwise work out its week anew. */
const ACTIVE_PERIODS = new Map<string, readonly string[]>();

const ACTIVE_PERIOD_OF: Record<string, (period: string) => [string, string]> = {
  D: (period) => ['day', period.slice(1)],
  W: (period) => ['week', period.slice(1)],
  M: (period) => ['month', period.slice(1)],
};

function splitPair(key: string): [string, string] {
  const separator = key.indexOf('\u0000');
  return [key.slice(0, separator), key.slice(separator + 1)];
}
