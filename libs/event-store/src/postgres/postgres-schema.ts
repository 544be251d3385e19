/** The tables of one store, in a schema quoted by the caller (`pg.escapeIdentifier`). */
export function postgresSchema(schema: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.events (
  position    BIGINT      PRIMARY KEY,
  event_id    UUID        NOT NULL UNIQUE,
  stream      TEXT        NOT NULL,
  revision    BIGINT      NOT NULL,
  type        TEXT        NOT NULL,
  -- text, not jsonb: jsonb refuses \\u0000 escapes and rewrites the JSON, and text is cheaper to write
  data        TEXT        NOT NULL,
  metadata    TEXT        NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (stream, revision)
);
CREATE TABLE IF NOT EXISTS ${schema}.streams (
  stream          TEXT    PRIMARY KEY,
  revision        BIGINT  NOT NULL,
  truncate_before BIGINT,
  deleted         BOOLEAN NOT NULL DEFAULT false,
  metadata        TEXT
);
`;
}
