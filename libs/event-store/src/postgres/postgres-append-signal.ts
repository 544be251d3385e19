import pg from 'pg';
import { type AppendSignal, LocalAppendSignal } from '../polling-subscription.js';

/** One channel for every store in the cluster; the payload names the schema that was appended to. */
const CHANNEL = 'event_store_appended';

/**
 * Tells every process's subscribers that an append to this schema committed, and hears the others' appends
 * through one dedicated LISTEN connection opened with the first subscription. A lost signal only costs
 * latency: the subscription's poll timeout still finds new events, and the next wait listens again.
 */
export class PostgresAppendSignal implements AppendSignal {
  private readonly local = new LocalAppendSignal();
  private listener: pg.Client | undefined;
  private announcing: Promise<void> | undefined;
  private announceAgain = false;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly listenerConfig: pg.ClientConfig,
    private readonly schema: string,
  ) {}

  get generation(): number {
    return this.local.generation;
  }

  wait(generation: number, timeoutMs: number, abort: AbortSignal): Promise<void> {
    this.listen();
    return this.local.wait(generation, timeoutMs, abort);
  }

  /**
   * Called after an append commits. A NOTIFY inside the append would save this extra statement, but PostgreSQL
   * serializes the commits of all notifying transactions, WAL flush included, behind one lock: with 16 writers
   * that cost about a third of the appends per second. So one NOTIFY at a time is in flight per process, and
   * the next one covers every append that committed meanwhile.
   */
  announce(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = this.sendAnnouncements();
  }

  listen(): void {
    if (this.listener || this.closed) return;
    const client = new pg.Client(this.listenerConfig);
    this.listener = client;
    client.on('notification', (message) => {
      if (message.payload === this.schema) this.local.notify();
    });
    // A listener's error must never crash the process, and its message may name the server: drop it quietly.
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    client
      .connect()
      .then(() => client.query(`LISTEN ${CHANNEL}`))
      // Appends committed before LISTEN took effect signalled nobody: make every waiter look again.
      .then(
        () => this.local.notify(),
        () => this.drop(client),
      );
  }

  /** Sends the last announcement and stops listening; waiting subscribers wake. */
  async close(): Promise<void> {
    this.closed = true;
    await this.announcing;
    const listener = this.listener;
    this.listener = undefined;
    this.local.notify();
    await listener?.end().catch(() => undefined);
  }

  private async sendAnnouncements(): Promise<void> {
    do {
      this.announceAgain = false;
      await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, this.schema]).catch(() => undefined);
    } while (this.announceAgain);
    this.announcing = undefined;
  }

  private drop(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
  }
}
