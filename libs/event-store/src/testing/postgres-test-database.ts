import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The server PostgreSQL tests run against: `DATABASE_URL`, else a local default. Unreachable, the tests skip
 * with a one-line reason, unless `REQUIRE_POSTGRES=1` (set by CI), where a broken server must fail the run.
 */
export async function postgresTestUrl(): Promise<string | undefined> {
  const url = process.env['DATABASE_URL'] || DEFAULT_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return url;
  } catch (error) {
    const reason = redact(error instanceof Error ? error.message : String(error), url);
    if (process.env['REQUIRE_POSTGRES'] === '1') {
      throw new Error(`PostgreSQL is required (REQUIRE_POSTGRES=1) but unreachable: ${reason}`, {
        cause: error,
      });
    }
    process.stderr.write(`skipping PostgreSQL tests: ${reason}\n`);
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A fresh, uniquely named schema, so that test runs and suites never see each other's rows. Named
 * `test_<prefix>_<random>`: recognisable if a crashed run leaves one behind, and never `pg_`, which is reserved.
 */
export async function createTestSchema(
  url: string,
  prefix: string,
): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `test_${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
  const quoted = pg.escapeIdentifier(schema);
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${quoted}`));
  return {
    schema,
    drop: () => withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${quoted} CASCADE`)),
  };
}

async function withClient(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function redact(message: string, url: string): string {
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
  return (password ? message.replaceAll(password, '***') : message).replace(/\s+/g, ' ');
}
