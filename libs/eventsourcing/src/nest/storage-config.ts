/** Where the log and the read models live; the platform resolves it from the environment. */
export type StorageConfig =
  | {
      readonly eventStore: 'sqlite';
      /** `events.db` and `read-models.db` go here; `undefined` keeps both in memory (tests). */
      readonly dataDir: string | undefined;
    }
  | {
      readonly eventStore: 'postgres';
      readonly databaseUrl: string;
      /** Schema of the event tables and read models; default `public`. */
      readonly schema?: string;
    }
  | {
      readonly eventStore: 'eventstoredb';
      readonly eventStoreUrl: string;
      /** Read models, checkpoints and PII keys live in PostgreSQL beside EventStoreDB. */
      readonly databaseUrl: string;
      readonly schema?: string;
    };

export function describeStorage(config: StorageConfig): string {
  switch (config.eventStore) {
    case 'sqlite':
      return config.dataDir === undefined ? 'sqlite in memory' : `sqlite in ${config.dataDir}`;
    case 'postgres':
      return `postgres at ${redactUrl(config.databaseUrl)}`;
    case 'eventstoredb':
      return `eventstoredb at ${redactUrl(config.eventStoreUrl)}, read models in postgres at ${redactUrl(config.databaseUrl)}`;
  }
}

/** A connection URL without its password, fit for a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
